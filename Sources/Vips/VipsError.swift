/// Why an image could not be probed or thumbnailed. The cases separate the
/// caller's fault (not an image, too large, unsupported) from a broken file
/// (decode) and from our side (encode), so a worker can report each clearly.
public enum VipsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libvips failed to start (missing modules, out of memory).
    case initializationFailed(String)
    /// The bytes are in no format libvips can load.
    case notAnImage
    /// A format libvips loads but this service does not accept.
    case unsupportedFormat(ImageFormat)
    /// The header promises more pixels than allowed: refused before decoding,
    /// which is what protects against decompression bombs.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The requested size makes no sense (no dimension, zero, too big).
    case invalidRequest(String)
    /// The header was readable but the pixels were not (truncated, corrupt).
    case decodeFailed(String)
    /// Writing the output failed.
    case encodeFailed(String)

    public var description: String {
        switch self {
        case .initializationFailed(let message):
            return "libvips failed to initialise: \(message); check that libvips 8.14 and its modules are installed"
        case .notAnImage:
            return "the input is not an image in any known format; check the URL points at a JPEG, PNG, WebP, GIF, TIFF or HEIF file"
        case .unsupportedFormat(let format):
            return "images in \(format) format are not accepted; use JPEG, PNG, WebP, GIF, TIFF or HEIF"
        case .tooManyPixels(let width, let height, let limit):
            return "the image is \(width)x\(height) pixels, more than the limit of \(limit); use a smaller image"
        case .invalidRequest(let message):
            return "invalid resize request: \(message)"
        case .decodeFailed(let message):
            return "the image could not be decoded (truncated or corrupt?): \(message)"
        case .encodeFailed(let message):
            return "the thumbnail could not be encoded: \(message)"
        }
    }
}
