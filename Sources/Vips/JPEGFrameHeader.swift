/// Reads a JPEG's frame header (SOF) of any kind, baseline or progressive:
/// the components and their sampling factors, which say how much memory a
/// progressive decode's coefficient buffers take.
enum JPEGFrameHeader {
    /// The frame of the first SOF marker before the first scan; nil when
    /// there is none, or the markers before it are malformed.
    static func read(_ bytes: UnsafeRawBufferPointer) -> JPEGFrame? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        guard count >= 4, base[0] == 0xFF, base[1] == 0xD8 else { return nil }
        var position = 2
        while position < count {
            guard base[position] == 0xFF else { return nil }
            while position < count, base[position] == 0xFF { position += 1 }
            guard position < count else { return nil }
            let code = base[position]
            position += 1
            switch code {
            case 0xD9, 0xDA: return nil // EOI or a scan before any frame
            case 0xD0...0xD7, 0x01: continue // markers without a length
            default: break
            }
            guard position + 2 <= count else { return nil }
            let length = Int(base[position]) << 8 | Int(base[position + 1])
            guard length >= 2, position + length <= count else { return nil }
            if Self.isFrame(code) {
                return JPEGSegmentParser.frame(UnsafeBufferPointer(start: base + position + 2, count: length - 2))
            }
            position += length
        }
        return nil
    }

    /// SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC).
    static func isFrame(_ code: UInt8) -> Bool {
        (0xC0...0xCF).contains(code) && code != 0xC4 && code != 0xC8 && code != 0xCC
    }
}
