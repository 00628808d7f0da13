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
    /// Decoding and resizing would hold more memory than allowed (pixels
    /// times bands times bytes per sample, the decoder's buffers and the
    /// output): refused from the header, before decoding.
    case tooMuchMemory(needed: Int, limit: Int)
    /// The pixels are laid out in a way a thumbnail cannot represent (more
    /// than 4 bands: RGB and alpha at most).
    case unsupportedPixels(String)
    /// Decoding and resizing used more CPU time than one image may.
    case cpuTimeExceeded(seconds: Double)
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
            return "the input is not an image in any known format; check the URL points at a JPEG, PNG, WebP or GIF file"
        case .unsupportedFormat(let format):
            return "images in \(format) format are not accepted; use JPEG, PNG, WebP or GIF"
        case .tooManyPixels(let width, let height, let limit):
            return "the image is \(width)x\(height) pixels, more than the limit of \(limit); use a smaller image"
        case .tooMuchMemory(let needed, let limit):
            return
                "decoding this image would take about \(Self.megabytes(needed)) of memory, more than the limit of \(Self.megabytes(limit)); use a smaller image (fewer pixels, 8 bits per sample, not interlaced or progressive) or ask for a smaller size"
        case .unsupportedPixels(let message):
            return "the image cannot be thumbnailed: \(message)"
        case .cpuTimeExceeded(let seconds):
            return "decoding and resizing this image took more than its CPU time budget of \(seconds) s; use a smaller or simpler image"
        case .invalidRequest(let message):
            return "invalid resize request: \(message)"
        case .decodeFailed(let message):
            return "the image could not be decoded (truncated or corrupt?): \(message)"
        case .encodeFailed(let message):
            return "the thumbnail could not be encoded: \(message)"
        }
    }
}

extension VipsError {
    /// "600 MB", "12.5 MB": what a person reads in an error message.
    static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_000_000
        if value >= 1_000_000 { return ">1 TB" }
        return value >= 100 ? "\(Int(value.rounded())) MB" : "\((value * 10).rounded() / 10) MB"
    }
}
