import CVips
import CVipsShim
import Foundation

/// What an image file says about itself, read without decoding its pixels.
///
/// Probing is cheap (the loader parses only the header), so callers can
/// refuse a 30000x30000 "decompression bomb" before spending memory on it.
public struct ImageHeader: Sendable, Equatable {
    public var format: ImageFormat
    /// Stored dimensions, before any EXIF rotation.
    public var width: Int
    public var height: Int
    public var bands: Int
    /// Bytes of one sample of one band: 1 for 8-bit images, 2 for 16-bit,
    /// 4 for float. A 16-bit RGB pixel takes 6 bytes in memory.
    public var bytesPerSample: Int
    /// An interlaced PNG or a progressive JPEG: the decoder must hold the
    /// whole image (PNG) or all its coefficients (JPEG) in memory at once.
    public var interlaced: Bool
    /// EXIF orientation (1-8) when the file has one: 5-8 swap width and height
    /// once the image is shown upright.
    public var orientation: Int?
    /// Whether the file carries an EXIF block (camera, GPS...): thumbnails strip it.
    public var hasEXIF: Bool

    public var pixelCount: Int { width * height }

    public init(
        format: ImageFormat, width: Int, height: Int, bands: Int, bytesPerSample: Int = 1,
        interlaced: Bool = false, orientation: Int? = nil, hasEXIF: Bool = false
    ) {
        self.format = format
        self.width = width
        self.height = height
        self.bands = bands
        self.bytesPerSample = bytesPerSample
        self.interlaced = interlaced
        self.orientation = orientation
        self.hasEXIF = hasEXIF
    }

    /// Reads the header of an encoded image.
    /// - Parameter acceptedFormats: when given, other formats are refused
    ///   from their magic bytes alone, before any parser sees the file.
    /// - Throws: `VipsError.notAnImage` for bytes no loader recognises,
    ///   `.unsupportedFormat` for a format not accepted, `.decodeFailed`
    ///   for a recognised but unreadable header.
    public static func probe(_ bytes: Data, acceptedFormats: Set<ImageFormat>? = nil) throws(VipsError) -> ImageHeader {
        try Vips.ensureInitialized()
        let result: Result<ImageHeader, VipsError> = bytes.withUnsafeBytes { raw in
            Result { () throws(VipsError) in try probe(raw, acceptedFormats: acceptedFormats) }
        }
        return try result.get()
    }

    /// Probes bytes the caller keeps alive for the duration of the call.
    static func probe(_ raw: UnsafeRawBufferPointer, acceptedFormats: Set<ImageFormat>?) throws(VipsError) -> ImageHeader {
        guard let base = raw.baseAddress, raw.count > 0 else { throw .notAnImage }
        guard let loader = vips_foreign_find_load_buffer(base, raw.count) else {
            _ = VipsErrorBuffer.take()
            throw .notAnImage
        }
        let format = ImageFormat(loaderName: String(cString: loader))
        if let acceptedFormats, !acceptedFormats.contains(format) { throw .unsupportedFormat(format) }
        guard let pointer = msgflo_vips_image_new_from_buffer(base, raw.count, Int32(VIPS_FAIL_ON_NONE.rawValue)) else {
            throw .decodeFailed(VipsErrorBuffer.take())
        }
        let image = VipsImageHandle(pointer)
        return ImageHeader(
            format: format, width: image.width, height: image.height, bands: image.bands,
            bytesPerSample: image.sampleBytes, interlaced: (image.int("interlaced") ?? 0) != 0,
            orientation: image.int("orientation"), hasEXIF: image.hasField("exif-data"))
    }
}
