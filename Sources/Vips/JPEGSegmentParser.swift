#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A component of the frame header (SOF): its id and sampling factors.
struct JPEGFrameComponent: Equatable {
    var id: UInt8
    var horizontal: UInt8
    var vertical: UInt8
}

/// The frame header's components, in order.
struct JPEGFrame: Equatable {
    var components: [JPEGFrameComponent]
}

/// A scan header (SOS): its components, the zig-zag range of coefficients
/// it carries (spectral selection) and its successive-approximation bits.
struct JPEGScan: Equatable {
    var components: [UInt8]
    var spectralStart: UInt8
    var spectralEnd: UInt8
    var approximationHigh: UInt8
    var approximationLow: UInt8
}

/// One marker segment (with a scan's entropy-coded data) as a byte range.
struct JPEGSegment: Equatable {
    var range: Range<Int>
    var frame: JPEGFrame?
    var scan: JPEGScan?
}

/// Splits a JPEG into marker segments; nil for anything but a complete
/// progressive Huffman JPEG (what ProgressiveJPEGPruner can work on).
struct JPEGSegmentParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    /// More segments than this give nil rather than an index of them.
    let maxSegments: Int

    func segments() -> [JPEGSegment]? {
        guard count >= 4, base[0] == 0xFF, base[1] == 0xD8 else { return nil }
        var segments: [JPEGSegment] = []
        var position = 2
        var sawFrame = false
        while segments.count < maxSegments {
            let start = position
            // A marker: 0xFF, any fill bytes 0xFF, then the code.
            guard position < count, base[position] == 0xFF else { return nil }
            while position < count, base[position] == 0xFF { position += 1 }
            guard position < count else { return nil }
            let code = base[position]
            position += 1
            switch code {
            case 0xD9: // EOI
                segments.append(JPEGSegment(range: start..<position))
                return sawFrame ? segments : nil
            case 0xD0...0xD7, 0x01, 0x00, 0xD8: // RST or TEM outside a scan, stuffing, a second SOI
                return nil
            default:
                break
            }
            guard position + 2 <= count else { return nil }
            let length = Int(base[position]) << 8 | Int(base[position + 1])
            guard length >= 2, position + length <= count else { return nil }
            let body = UnsafeBufferPointer(start: base + position + 2, count: length - 2)
            position += length
            switch code {
            case 0xC2:
                guard !sawFrame, let frame = Self.frame(body) else { return nil }
                sawFrame = true
                segments.append(JPEGSegment(range: start..<position, frame: frame))
            case 0xC0, 0xC1, 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF, 0xDC, 0xDE, 0xDF:
                return nil // not progressive Huffman, or DNL / hierarchical
            case 0xDA:
                guard sawFrame, let scan = Self.scan(body) else { return nil }
                guard let end = entropyDataEnd(from: position) else { return nil }
                position = end
                segments.append(JPEGSegment(range: start..<position, scan: scan))
            default:
                segments.append(JPEGSegment(range: start..<position))
            }
        }
        return nil
    }

    /// The first marker after entropy-coded data: 0xFF followed by
    /// neither stuffing (0x00) nor a restart marker.
    func entropyDataEnd(from start: Int) -> Int? {
        var position = start
        while position < count {
            guard let found = memchr(base + position, 0xFF, count - position) else { return nil }
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard index + 1 < count else { return nil }
            let next = base[index + 1]
            if next == 0x00 || (0xD0...0xD7).contains(next) {
                position = index + 2
            } else {
                return index
            }
        }
        return nil
    }

    static func frame(_ body: UnsafeBufferPointer<UInt8>) -> JPEGFrame? {
        guard body.count >= 6 else { return nil }
        let components = Int(body[5])
        guard components >= 1, body.count == 6 + 3 * components else { return nil }
        return JPEGFrame(
            components: (0..<components).map { index in
                let offset = 6 + 3 * index
                return JPEGFrameComponent(id: body[offset], horizontal: body[offset + 1] >> 4, vertical: body[offset + 1] & 0x0F)
            })
    }

    static func scan(_ body: UnsafeBufferPointer<UInt8>) -> JPEGScan? {
        guard body.count >= 1 else { return nil }
        let components = Int(body[0])
        guard (1...4).contains(components), body.count == 1 + 2 * components + 3 else { return nil }
        let offset = 1 + 2 * components
        let scan = JPEGScan(
            components: (0..<components).map { body[1 + 2 * $0] },
            spectralStart: body[offset], spectralEnd: body[offset + 1],
            approximationHigh: body[offset + 2] >> 4, approximationLow: body[offset + 2] & 0x0F)
        // Progressive: DC scans may interleave, AC scans carry one component;
        // a refinement scan adds one bit. libjpeg stops on anything else, so
        // such a file must reach it whole.
        guard scan.spectralStart <= scan.spectralEnd, scan.spectralEnd <= 63,
            scan.spectralStart == 0 ? scan.spectralEnd == 0 : components == 1,
            scan.approximationLow <= 13,
            scan.approximationHigh == 0 || scan.approximationLow + 1 == scan.approximationHigh
        else { return nil }
        return scan
    }
}
