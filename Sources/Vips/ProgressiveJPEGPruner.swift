#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts a progressive JPEG down to the scans a 1/8-scale decode reads.
///
/// Why: libjpeg decodes a progressive JPEG by Huffman-decoding every scan into
/// a whole-image coefficient buffer, even when it is asked for 1/8 scale
/// (libvips' shrink-on-load for a thumbnail 16x or more smaller than the
/// photo). At 1/8 scale a full-resolution component's 8x8 block becomes one
/// pixel, its DC coefficient: its AC scans, most of the file, are decoded and
/// then ignored. Dropping them halves the CPU of a 5120x2880 progressive
/// photo made 300 px wide, with the same pixels out (tested against the
/// full decode).
///
/// What is kept, so the output is identical:
/// - every scan of a subsampled component (libjpeg scales chroma up by
///   IDCT, which reads AC coefficients);
/// - every DC scan (first and refinement);
/// - for each full-resolution component, its first AC scan that covers a
///   coefficient among the first nine: libjpeg-turbo's block smoothing
///   changes DC values when none of those is known, and this scan keeps it
///   from doing so exactly as in the full decode.
///
/// Anything that is not a well-formed progressive Huffman JPEG read to its
/// EOI (baseline, arithmetic coding, truncated, trailing garbage inside a
/// segment, a DNL marker...) gives nil: the caller decodes the original
/// bytes and libjpeg reports what is wrong with them.
enum ProgressiveJPEGPruner {
    /// The pruned stream, or nil when there is nothing to prune or the bytes
    /// are not a progressive JPEG this understands.
    static func prunedForEighthScale(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        guard let segments = Parser(base: base, count: bytes.count).segments() else { return nil }
        guard let kept = Self.keptSegments(segments), kept.count < segments.count else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(kept.reduce(2) { $0 + $1.range.count })
        out.append(contentsOf: [0xFF, 0xD8])
        for segment in kept {
            out.append(contentsOf: UnsafeBufferPointer(start: base + segment.range.lowerBound, count: segment.range.count))
        }
        return out
    }

    /// The segments after SOI that a 1/8-scale decode needs, in order; nil
    /// for a scan order whose pruned decode could differ from the full one
    /// (repeated component ids, an AC scan before its component's DC scan, a
    /// full-resolution component without a first AC scan among coefficients
    /// 1-9 to keep block smoothing off DC).
    static func keptSegments(_ segments: [Segment]) -> [Segment]? {
        guard let frame = segments.lazy.compactMap(\.frame).first else { return nil }
        let ids = frame.components.map(\.id)
        guard Set(ids).count == ids.count,
              frame.components.allSatisfy({ (1...4).contains($0.horizontal) && (1...4).contains($0.vertical) }) else { return nil }
        let maxH = frame.components.map(\.horizontal).max() ?? 1
        let maxV = frame.components.map(\.vertical).max() ?? 1
        let fullResolution = Set(frame.components.filter { $0.horizontal == maxH && $0.vertical == maxV }.map(\.id))
        var seen = Set<UInt8>()
        var guarded = Set<UInt8>()
        var kept: [Segment] = []
        for segment in segments {
            guard let scan = segment.scan else {
                kept.append(segment)
                continue
            }
            for component in scan.components {
                guard ids.contains(component) else { return nil }
                // libjpeg only warns about AC before DC; the quantisation table it latches could then differ.
                if !seen.contains(component) {
                    guard scan.spectralStart == 0 else { return nil }
                    seen.insert(component)
                }
            }
            guard scan.spectralStart > 0, let component = scan.components.first, fullResolution.contains(component) else {
                kept.append(segment)
                continue
            }
            if scan.approximationHigh == 0, scan.spectralStart <= 9, !guarded.contains(component) {
                guarded.insert(component)
                kept.append(segment)
            }
        }
        guard fullResolution.isSubset(of: guarded) else { return nil }
        return kept
    }

    struct FrameComponent: Equatable {
        var id: UInt8
        var horizontal: UInt8
        var vertical: UInt8
    }

    struct Frame: Equatable {
        var components: [FrameComponent]
    }

    struct Scan: Equatable {
        var components: [UInt8]
        var spectralStart: UInt8
        var spectralEnd: UInt8
        var approximationHigh: UInt8
        var approximationLow: UInt8
    }

    /// One marker segment (with a scan's entropy-coded data) as a byte range.
    struct Segment: Equatable {
        var range: Range<Int>
        var frame: Frame?
        var scan: Scan?
    }

    /// Real progressive JPEGs have a dozen scans and a few dozen markers; a
    /// file of thousands of tiny segments is refused rather than indexed.
    static let maxSegments = 1024

    /// Splits the stream into marker segments; nil for anything but a
    /// complete progressive Huffman JPEG.
    struct Parser {
        let base: UnsafePointer<UInt8>
        let count: Int

        func segments() -> [Segment]? {
            guard count >= 4, base[0] == 0xFF, base[1] == 0xD8 else { return nil }
            var segments: [Segment] = []
            var position = 2
            var sawFrame = false
            while segments.count < ProgressiveJPEGPruner.maxSegments {
                let start = position
                // A marker: 0xFF, any fill bytes 0xFF, then the code.
                guard position < count, base[position] == 0xFF else { return nil }
                while position < count, base[position] == 0xFF { position += 1 }
                guard position < count else { return nil }
                let code = base[position]
                position += 1
                switch code {
                case 0xD9:  // EOI
                    segments.append(Segment(range: start..<position))
                    return sawFrame ? segments : nil
                case 0xD0...0xD7, 0x01, 0x00, 0xD8:  // RST or TEM outside a scan, stuffing, a second SOI
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
                    segments.append(Segment(range: start..<position, frame: frame))
                case 0xC0, 0xC1, 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF, 0xDC, 0xDE, 0xDF:
                    return nil  // not progressive Huffman, or DNL / hierarchical
                case 0xDA:
                    guard sawFrame, let scan = Self.scan(body) else { return nil }
                    guard let end = entropyDataEnd(from: position) else { return nil }
                    position = end
                    segments.append(Segment(range: start..<position, scan: scan))
                default:
                    segments.append(Segment(range: start..<position))
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

        static func frame(_ body: UnsafeBufferPointer<UInt8>) -> Frame? {
            guard body.count >= 6 else { return nil }
            let components = Int(body[5])
            guard components >= 1, body.count == 6 + 3 * components else { return nil }
            return Frame(components: (0..<components).map { index in
                let offset = 6 + 3 * index
                return FrameComponent(id: body[offset], horizontal: body[offset + 1] >> 4, vertical: body[offset + 1] & 0x0F)
            })
        }

        static func scan(_ body: UnsafeBufferPointer<UInt8>) -> Scan? {
            guard body.count >= 1 else { return nil }
            let components = Int(body[0])
            guard (1...4).contains(components), body.count == 1 + 2 * components + 3 else { return nil }
            let offset = 1 + 2 * components
            let scan = Scan(
                components: (0..<components).map { body[1 + 2 * $0] },
                spectralStart: body[offset], spectralEnd: body[offset + 1],
                approximationHigh: body[offset + 2] >> 4, approximationLow: body[offset + 2] & 0x0F)
            // Progressive: DC scans may interleave, AC scans carry one component;
            // a refinement scan adds one bit. libjpeg stops on anything else, so
            // such a file must reach it whole.
            guard scan.spectralStart <= scan.spectralEnd, scan.spectralEnd <= 63,
                  scan.spectralStart == 0 ? scan.spectralEnd == 0 : components == 1,
                  scan.approximationLow <= 13,
                  scan.approximationHigh == 0 || scan.approximationLow + 1 == scan.approximationHigh else { return nil }
            return scan
        }
    }
}
