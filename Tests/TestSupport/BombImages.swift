import Foundation

/// Image files that cost little to send and a lot to decode ("image bombs"),
/// written byte by byte so tests need no fixture files and no encoder that
/// would itself hold the decoded image in memory.
public enum BombImages {
    /// A width x height 16-bit RGB Adam7-interlaced PNG, all black: valid to
    /// its last byte, a few MB to send, width x height x 6 bytes to decode
    /// (600 MB at 10000x10000), and an interlaced PNG cannot be decoded row
    /// by row. The zeros compress as one literal and then back-references of
    /// 258 bytes (deflate's longest), in fixed-Huffman blocks.
    public static func interlacedPNG16(width: Int, height: Int) -> Data {
        var header = Data()
        header.append(contentsOf: bigEndian(UInt32(width)))
        header.append(contentsOf: bigEndian(UInt32(height)))
        header.append(contentsOf: [16, 2, 0, 0, 1]) // 16-bit, RGB, deflate, adaptive filtering, Adam7
        let raw = adam7Bytes(width: width, height: height, bytesPerPixel: 6)
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(chunk("IHDR", header))
        png.append(chunk("IDAT", zlibOfZeros(count: raw)))
        png.append(chunk("IEND", Data()))
        return png
    }

    /// Bytes of the filtered Adam7 passes (a filter byte per row) of an image.
    static func adam7Bytes(width: Int, height: Int, bytesPerPixel: Int) -> Int {
        let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return passes.reduce(0) { total, pass in
            let columns = width > pass.0 ? (width - pass.0 + pass.2 - 1) / pass.2 : 0
            let rows = height > pass.1 ? (height - pass.1 + pass.3 - 1) / pass.3 : 0
            return columns == 0 || rows == 0 ? total : total + rows * (1 + columns * bytesPerPixel)
        }
    }

    /// A zlib stream of `count` zero bytes.
    static func zlibOfZeros(count: Int) -> Data {
        var bits = BitWriter()
        bits.write(1, count: 1) // final block
        bits.write(1, count: 2) // fixed Huffman codes
        var left = count
        if left > 0 {
            bits.writeCode(0x30, length: 8) // literal 0
            left -= 1
        }
        // Length 258 (code 285, 8 bits) then distance 1 (code 0, 5 bits): 13 bits a match.
        let match = BitWriter.reversed(0xC5, length: 8)
        while left >= 258 {
            bits.write(match, count: 13)
            left -= 258
        }
        for _ in 0..<left { bits.writeCode(0x30, length: 8) }
        bits.writeCode(0, length: 7) // end of block (256)
        // Adler-32 of zeros: the byte sum stays 1, the running sum grows by 1 a byte.
        let adler = UInt32(count % 65521) << 16 | 1
        return Data([0x78, 0x01]) + bits.finish() + Data(bigEndian(adler))
    }

    /// A GIF of `frames` 1x1 frames on a width x height canvas: each frame
    /// is 26 bytes, decoding all of them would paint the canvas `frames` times.
    public static func manyFrameGIF(frames: Int, width: Int, height: Int) -> Data {
        var gif = Data("GIF89a".utf8)
        gif.append(contentsOf: littleEndian16(width) + littleEndian16(height))
        gif.append(contentsOf: [0x80, 0, 0]) // global colour table of 2 entries
        gif.append(contentsOf: [0, 0, 0, 255, 255, 255])
        gif.append(contentsOf: [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]) // loop forever
        for frame in 0..<frames {
            gif.append(contentsOf: [0x21, 0xF9, 4, 0, 1, 0, 0, 0]) // graphic control: 10 ms
            gif.append(0x2C)
            gif.append(contentsOf: littleEndian16(frame % width) + littleEndian16(frame / width % height) + littleEndian16(1) + littleEndian16(1))
            gif.append(0)
            gif.append(contentsOf: [2, 2, 0x44, 0x01, 0]) // LZW: clear, index 0, end
        }
        gif.append(0x3B)
        return gif
    }

    /// An uncompressed little-endian TIFF of width x height pixels with
    /// `bands` 32-bit float samples each, all zero.
    public static func floatTIFF(width: Int, height: Int, bands: Int) -> Data {
        let entries = 12
        let arrays = 8 + 2 + entries * 12 + 4
        let bitsOffset = arrays
        let extraOffset = bitsOffset + bands * 2
        let formatOffset = extraOffset + (bands - 1) * 2
        let dataOffset = formatOffset + bands * 2
        let dataBytes = width * height * bands * 4
        var tiff = Data([0x49, 0x49, 42, 0]) + littleEndian32(8)
        tiff.append(contentsOf: littleEndian16(entries))
        func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: Int) {
            tiff.append(contentsOf: littleEndian16(tag) + littleEndian16(type) + littleEndian32(count))
            tiff.append(contentsOf: type == 3 && count == 1 ? littleEndian16(value) + [0, 0] : littleEndian32(value))
        }
        let short = 3
        let long = 4
        entry(256, short, 1, width)
        entry(257, short, 1, height)
        entry(258, short, bands, bitsOffset)
        entry(259, short, 1, 1) // no compression
        entry(262, short, 1, 1) // black is zero
        entry(273, long, 1, dataOffset)
        entry(277, short, 1, bands)
        entry(278, long, 1, height)
        entry(279, long, 1, dataBytes)
        entry(284, short, 1, 1) // chunky
        entry(338, short, bands - 1, extraOffset) // the bands past the first: unspecified
        entry(339, short, bands, formatOffset) // IEEE float
        tiff.append(contentsOf: littleEndian32(0))
        for _ in 0..<bands { tiff.append(contentsOf: littleEndian16(32)) }
        for _ in 0..<(bands - 1) { tiff.append(contentsOf: littleEndian16(0)) }
        for _ in 0..<bands { tiff.append(contentsOf: littleEndian16(3)) }
        tiff.append(Data(count: dataBytes))
        return tiff
    }

    static func chunk(_ type: String, _ body: Data) -> Data {
        let typed = Data(type.utf8) + body
        return Data(bigEndian(UInt32(body.count))) + typed + Data(bigEndian(CRC32.checksum(typed)))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func littleEndian16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }

    static func littleEndian32(_ value: Int) -> [UInt8] { littleEndian16(value & 0xFFFF) + littleEndian16((value >> 16) & 0xFFFF) }
}

/// Deflate's bit order: fields least significant bit first, Huffman codes
/// most significant bit first.
struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var filled = 0

    mutating func write(_ value: UInt32, count: Int) {
        buffer |= UInt64(value) << filled
        filled += count
        while filled >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            filled -= 8
        }
    }

    mutating func writeCode(_ code: UInt32, length: Int) {
        write(Self.reversed(code, length: length), count: length)
    }

    static func reversed(_ code: UInt32, length: Int) -> UInt32 {
        var reversed: UInt32 = 0
        for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
        return reversed
    }

    mutating func finish() -> Data {
        if filled > 0 { bytes.append(UInt8(buffer & 0xFF)) }
        buffer = 0
        filled = 0
        return Data(bytes)
    }
}

/// CRC-32 (ISO-HDLC), as PNG chunks carry it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        data.withUnsafeBytes { raw in
            for byte in raw { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return ~crc
    }
}
