import CVips
import CVipsShim
import Foundation

@testable import Vips

/// Test inputs made by libvips itself (and one PNG header crafted by hand),
/// so the tests need no fixture files.
enum TestImages {
    enum Encoding: String, Sendable {
        case jpeg, png, webp, gif
        case tiff = "tif"
        case heic, avif
    }

    static let cameraMake = "SecretCam"
    static let artist = "Jane Doe"

    /// A width x height RGB gradient encoded as `encoding`, with an EXIF
    /// block holding `orientation`, `cameraMake` and `artist` when an
    /// orientation is given (JPEG only).
    static func gradient(
        width: Int, height: Int, bands: Int = 3, as encoding: Encoding = .jpeg,
        orientation: Int? = nil
    ) throws -> Data {
        try Vips.initialize()
        guard let made = msgflo_vips_test_gradient(Int32(width), Int32(height), Int32(bands)) else {
            throw VipsError.encodeFailed(VipsErrorBuffer.take())
        }
        let image = try addingEXIF(to: made, orientation: orientation)
        defer { msgflo_vips_unref(image) }
        return try saved { buffer, length in
            switch encoding {
            case .jpeg: msgflo_vips_jpegsave_buffer(image, &buffer, &length, 90, 0)
            case .png: msgflo_vips_pngsave_buffer(image, &buffer, &length, 6, 0)
            case .webp: msgflo_vips_webpsave_buffer(image, &buffer, &length, 90, 0)
            default: msgflo_vips_test_save_buffer(image, "." + encoding.rawValue, &buffer, &length)
            }
        }
    }

    /// `image` with an EXIF block holding `orientation`, `cameraMake` and
    /// `artist` when an orientation is given; takes over the reference to `image`.
    private static func addingEXIF(to image: UnsafeMutablePointer<VipsImage>, orientation: Int?) throws -> UnsafeMutablePointer<VipsImage> {
        guard let orientation else { return image }
        defer { msgflo_vips_unref(image) }
        guard let rotated = msgflo_vips_test_with_exif(image, Int32(orientation), cameraMake, artist) else {
            throw VipsError.encodeFailed(VipsErrorBuffer.take())
        }
        return rotated
    }

    /// Runs a saver and copies out the buffer it made.
    private static func saved(_ save: (inout UnsafeMutableRawPointer?, inout Int) -> Int32) throws -> Data {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard save(&buffer, &length) == 0, let buffer else { throw VipsError.encodeFailed(VipsErrorBuffer.take()) }
        defer { g_free(buffer) }
        return Data(bytes: buffer, count: length)
    }

    /// A valid PNG header claiming width x height 1-bit greyscale pixels,
    /// followed by a tiny IDAT: a decompression bomb's shape, in 60 bytes.
    static func hugePNGHeader(width: UInt32 = 30_000, height: UInt32 = 30_000) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = Data()
        ihdr.append(contentsOf: bigEndian(width))
        ihdr.append(contentsOf: bigEndian(height))
        ihdr.append(contentsOf: [1, 0, 0, 0, 0]) // bit depth 1, greyscale, deflate, no filter, no interlace
        png.append(chunk("IHDR", ihdr))
        png.append(chunk("IDAT", Data([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])))
        png.append(chunk("IEND", Data()))
        return png
    }

    private static func chunk(_ type: String, _ body: Data) -> Data {
        let typed = Data(type.utf8) + body
        return Data(bigEndian(UInt32(body.count))) + typed + Data(bigEndian(crc32(typed)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// The CRC-32 PNG chunks carry (ISO-HDLC polynomial).
    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

extension TestImages {
    /// Whether any metadata of the encoded image mentions `needle`.
    static func metadata(of bytes: Data, contains needle: String) throws -> Bool {
        try bytes.withUnsafeBytes { raw in
            guard let image = msgflo_vips_image_new_from_buffer(raw.baseAddress, raw.count, 0) else {
                throw VipsError.decodeFailed(VipsErrorBuffer.take())
            }
            defer { msgflo_vips_unref(image) }
            return msgflo_vips_test_metadata_contains(image, needle) != 0
        }
    }
}

extension TestImages {
    enum Subsampling: String, Sendable { case off, on }

    /// A noisy width x height JPEG (real AC energy in every block), saved
    /// progressive or baseline, with chroma subsampling on or off, and an
    /// EXIF orientation when given.
    static func texture(
        width: Int, height: Int, bands: Int = 3, progressive: Bool = true,
        subsampling: Subsampling = .on, orientation: Int? = nil
    ) throws -> Data {
        try Vips.initialize()
        guard let made = msgflo_vips_test_texture(Int32(width), Int32(height), Int32(bands)) else {
            throw VipsError.encodeFailed(VipsErrorBuffer.take())
        }
        let image = try addingEXIF(to: made, orientation: orientation)
        defer { msgflo_vips_unref(image) }
        let options = "Q=85,subsample_mode=\(subsampling.rawValue)" + (progressive ? ",interlace" : "")
        return try saved { buffer, length in msgflo_vips_test_save_buffer(image, ".jpg[\(options)]", &buffer, &length) }
    }
}
