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
    /// Real progressive JPEGs have a dozen scans and a few dozen markers; a
    /// file of thousands of tiny segments is refused rather than indexed.
    static let maxSegments = 1024

    /// The pruned stream, or nil when there is nothing to prune or the bytes
    /// are not a progressive JPEG this understands.
    static func prunedForEighthScale(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        guard let segments = JPEGSegmentParser(base: base, count: bytes.count, maxSegments: Self.maxSegments).segments() else { return nil }
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
    static func keptSegments(_ segments: [JPEGSegment]) -> [JPEGSegment]? {
        guard let frame = segments.lazy.compactMap(\.frame).first else { return nil }
        let ids = frame.components.map(\.id)
        guard Set(ids).count == ids.count,
            frame.components.allSatisfy({ (1...4).contains($0.horizontal) && (1...4).contains($0.vertical) })
        else { return nil }
        let maxH = frame.components.map(\.horizontal).max() ?? 1
        let maxV = frame.components.map(\.vertical).max() ?? 1
        let fullResolution = Set(frame.components.filter { $0.horizontal == maxH && $0.vertical == maxV }.map(\.id))
        var seen = Set<UInt8>()
        var guarded = Set<UInt8>()
        var kept: [JPEGSegment] = []
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
}
