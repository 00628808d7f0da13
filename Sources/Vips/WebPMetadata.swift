import Foundation

/// Removes EXIF and XMP chunks from a WebP file.
///
/// libvips 8.14's webpsave writes a minimal EXIF block even with `strip`; a
/// service that promises stripped output removes it from the RIFF container
/// itself. Pure byte surgery on the container: the image data is untouched.
enum WebPMetadata {
    static func strip(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x45, 0x42, 0x50] else {
            return data
        }
        var out: [UInt8] = Array(bytes[0..<12])
        var offset = 12
        while offset + 8 <= bytes.count {
            let fourCC = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            let end = offset + 8 + size + (size & 1)
            guard end <= bytes.count else { return data }
            if fourCC != "EXIF" && fourCC != "XMP " {
                var chunk = Array(bytes[offset..<end])
                if fourCC == "VP8X", chunk.count > 8 {
                    chunk[8] &= ~UInt8(0x08 | 0x04) // EXIF and XMP presence flags
                }
                out += chunk
            }
            offset = end
        }
        let riffSize = UInt32(out.count - 8)
        out[4] = UInt8(riffSize & 0xFF)
        out[5] = UInt8(riffSize >> 8 & 0xFF)
        out[6] = UInt8(riffSize >> 16 & 0xFF)
        out[7] = UInt8(riffSize >> 24 & 0xFF)
        return Data(out)
    }
}
