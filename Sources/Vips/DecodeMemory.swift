/// How much memory thumbnailing an image holds at its peak, from its header
/// alone: what lets a worker refuse a decompression bomb before it
/// allocates anything. Pure, so each rule is table-tested.
///
/// Pixels alone do not bound memory: a 10000x10000 16-bit interlaced PNG
/// is 100 megapixels but 600 MB to decode, and a 16x16 image asked at
/// 4096x4096 is a 16 MB output per byte of pixel. The estimate adds up:
/// - what the decoder holds: nothing to speak of for a baseline JPEG or a
///   non-interlaced PNG (libvips streams them, shrinking as it reads); the
///   whole image for an interlaced PNG (Adam7 passes cover the whole image
///   before any row is final); every DCT coefficient (2 bytes each, per
///   component at its sampling) for a progressive JPEG, whatever scale it
///   is decoded at; the RGBA canvas for a GIF; RGBA for a WebP (libwebp's
///   lossless decoder holds the whole image); the whole image for any other
///   format;
/// - the input itself once more for the loaders that read the whole file
///   before decoding (all but JPEG and PNG);
/// - the rendered thumbnail (width x height x bands x bytes per sample).
enum DecodeMemory {
    /// Bytes; saturates at `Int.max` rather than overflowing.
    static func estimate(
        header: ImageHeader, inputBytes: Int, output: (width: Int, height: Int),
        jpegFrame: JPEGFrame? = nil
    ) -> Int {
        let width = Double(max(header.width, 0))
        let height = Double(max(header.height, 0))
        let pixelBytes = Double(max(header.bands, 1)) * Double(max(header.bytesPerSample, 1))
        var bytes = Double(max(output.width, 0)) * Double(max(output.height, 0)) * pixelBytes
        switch header.format {
        case .jpeg:
            if header.interlaced { bytes += coefficientBytes(width: width, height: height, bands: header.bands, frame: jpegFrame) }
        case .png:
            if header.interlaced { bytes += width * height * pixelBytes }
        case .gif, .webp:
            bytes += width * height * 4 + Double(inputBytes)
        default:
            bytes += width * height * pixelBytes + Double(inputBytes)
        }
        return bytes < Double(Int.max) ? Int(bytes) : Int.max
    }

    /// A progressive decode's coefficient buffers: per component, its 8x8
    /// blocks at its sampling, 64 coefficients of 2 bytes each.
    static func coefficientBytes(width: Double, height: Double, bands: Int, frame: JPEGFrame?) -> Double {
        func blocks(_ pixels: Double) -> Double { (pixels / 8).rounded(.up) }
        guard let frame, !frame.components.isEmpty else {
            return blocks(width) * blocks(height) * 128 * Double(max(bands, 1))
        }
        let maxH = Double(frame.components.map(\.horizontal).max() ?? 1)
        let maxV = Double(frame.components.map(\.vertical).max() ?? 1)
        return frame.components.reduce(0) { total, component in
            let columns = (width * Double(component.horizontal) / max(maxH, 1)).rounded(.up)
            let rows = (height * Double(component.vertical) / max(maxV, 1)).rounded(.up)
            return total + blocks(columns) * blocks(rows) * 128
        }
    }
}
