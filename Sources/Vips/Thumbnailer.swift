import CVips
import CVipsShim
import Foundation

/// Makes thumbnails with libvips' `thumbnail`: shrink-on-load (a JPEG is
/// decoded at 1/2, 1/4 or 1/8 scale when that suffices), EXIF auto-rotation,
/// and output with all metadata stripped (no camera serials or GPS leaks).
///
/// Every call blocks for tens of milliseconds or more: run it on a dedicated
/// thread pool (the Primitives `BlockingPool`), never on Swift's cooperative
/// pool. A `Thumbnailer` holds no state and is safe to share between threads.
public struct Thumbnailer: Sendable {
    /// Refuse inputs whose header promises more pixels than this: checked
    /// before any pixel is decoded. 100 megapixels ~ 300 MB of RGB at most.
    public var maxPixels: Int
    /// Largest width or height a caller may ask for.
    public var maxDimension: Int
    /// Input formats accepted; others fail with `unsupportedFormat`.
    public var acceptedFormats: Set<ImageFormat>
    /// Decode a progressive JPEG that libvips reads at 1/8 scale from only the
    /// scans that scale needs (`ProgressiveJPEGPruner`): same pixels, about
    /// half the CPU for a large photo. Off only to measure or compare.
    public var prunesProgressiveJPEGScans = true

    public init(maxPixels: Int = 100_000_000, maxDimension: Int = 10_000,
                acceptedFormats: Set<ImageFormat> = ImageFormat.webDefaults) {
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
        self.acceptedFormats = acceptedFormats
    }

    /// Resizes an encoded image.
    /// - Parameters:
    ///   - width, height: the box; give one or both (see `ThumbnailFit`).
    ///   - quality: 1-100, for JPEG and WebP; ignored for PNG.
    ///   - allowUpscale: let `inside` enlarge small images.
    /// - Throws: `VipsError` (`notAnImage`, `unsupportedFormat`,
    ///   `tooManyPixels`, `invalidRequest`, `decodeFailed`, `encodeFailed`).
    public func thumbnail(
        _ bytes: some ContiguousBytes, width: Int?, height: Int?, fit: ThumbnailFit = .inside,
        format: ThumbnailFormat = .jpeg, quality: Int = 80, allowUpscale: Bool = false
    ) throws(VipsError) -> Thumbnail {
        try Vips.ensureInitialized()
        let plan = try ThumbnailPlan(width: width, height: height, fit: fit,
                                     allowUpscale: allowUpscale, maxDimension: maxDimension)
        guard (1...100).contains(quality) else {
            throw .invalidRequest("quality must be between 1 and 100, got \(quality)")
        }
        // The loaders read `bytes` lazily without copying: keep them pinned
        // until the output is encoded.
        let result: Result<Thumbnail, VipsError> = bytes.withUnsafeBytes { raw in
            Result { () throws(VipsError) in
                try thumbnail(pinned: raw, plan: plan, format: format, quality: quality)
            }
        }
        return try result.get()
    }

    private func thumbnail(pinned raw: UnsafeRawBufferPointer, plan: ThumbnailPlan,
                           format: ThumbnailFormat, quality: Int) throws(VipsError) -> Thumbnail {
        let header = try ImageHeader.probe(raw, acceptedFormats: acceptedFormats)
        guard header.width <= maxPixels / max(header.height, 1) else {
            throw .tooManyPixels(width: header.width, height: header.height, limit: maxPixels)
        }
        if prunesProgressiveJPEGScans, header.format == .jpeg,
           plan.commonShrink(storedWidth: header.width, storedHeight: header.height, orientation: header.orientation)
               >= ThumbnailPlan.eighthScaleShrink,
           let pruned = ProgressiveJPEGPruner.prunedForEighthScale(raw) {
            let result: Result<Thumbnail, VipsError> = pruned.withUnsafeBytes { prunedRaw in
                Result { () throws(VipsError) in
                    try finish(try eighthScale(prunedRaw, plan: plan), format: format, quality: quality)
                }
            }
            var thumbnail = try result.get()
            thumbnail.fromPrunedScans = true
            return thumbnail
        }
        return try finish(try shrink(raw, plan: plan), format: format, quality: quality)
    }

    /// Decodes the pipeline's pixels, strips metadata and encodes.
    private func finish(_ lazy: VipsImageHandle, format: ThumbnailFormat, quality: Int) throws(VipsError) -> Thumbnail {
        // Run the decode now, so a truncated file reports as a decode error
        // rather than as a failure to encode. The thumbnail is small.
        guard let rendered = msgflo_vips_image_copy_memory(lazy.pointer) else {
            throw .decodeFailed(VipsErrorBuffer.take())
        }
        let image = VipsImageHandle(rendered)
        guard let stripped = msgflo_vips_strip_copy(image.pointer) else {
            throw .encodeFailed(VipsErrorBuffer.take())
        }
        let data = try encode(VipsImageHandle(stripped), format: format, quality: quality)
        return Thumbnail(data: data, format: format, width: image.width, height: image.height)
    }

    private func shrink(_ raw: UnsafeRawBufferPointer, plan: ThumbnailPlan) throws(VipsError) -> VipsImageHandle {
        var out: UnsafeMutablePointer<VipsImage>?
        let status = msgflo_vips_thumbnail_buffer(
            UnsafeMutableRawPointer(mutating: raw.baseAddress), raw.count, &out,
            Int32(plan.width), Int32(plan.height), Int32(plan.size.rawValue), Int32(plan.crop.rawValue),
            0, Int32(VIPS_FAIL_ON_TRUNCATED.rawValue))
        guard status == 0, let out else {
            if let out { msgflo_vips_unref(out) }
            throw .decodeFailed(VipsErrorBuffer.take())
        }
        return VipsImageHandle(out)
    }

    /// What `shrink` does for a JPEG libvips would decode at 1/8 scale, on a
    /// stream cut to the scans such a decode reads: loaded at 1/8 here, then
    /// `thumbnail_image` resizes, rotates and crops as `thumbnail_buffer` would.
    private func eighthScale(_ raw: UnsafeRawBufferPointer, plan: ThumbnailPlan) throws(VipsError) -> VipsImageHandle {
        guard let loaded = msgflo_vips_jpegload_buffer_shrink(
            UnsafeMutableRawPointer(mutating: raw.baseAddress), raw.count, 8, Int32(VIPS_FAIL_ON_TRUNCATED.rawValue)) else {
            throw .decodeFailed(VipsErrorBuffer.take())
        }
        let image = VipsImageHandle(loaded)
        var out: UnsafeMutablePointer<VipsImage>?
        let status = withExtendedLifetime(image) {
            msgflo_vips_thumbnail_image(
                image.pointer, &out, Int32(plan.width), Int32(plan.height), Int32(plan.size.rawValue), Int32(plan.crop.rawValue), 0)
        }
        guard status == 0, let out else {
            if let out { msgflo_vips_unref(out) }
            throw .decodeFailed(VipsErrorBuffer.take())
        }
        return VipsImageHandle(out)
    }

    private func encode(_ image: VipsImageHandle, format: ThumbnailFormat, quality: Int) throws(VipsError) -> Data {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32 = switch format {
        case .jpeg: msgflo_vips_jpegsave_buffer(image.pointer, &buffer, &length, Int32(quality), 1)
        case .png: msgflo_vips_pngsave_buffer(image.pointer, &buffer, &length, 6, 1)
        case .webp: msgflo_vips_webpsave_buffer(image.pointer, &buffer, &length, Int32(quality), 1)
        }
        defer { if let buffer { g_free(buffer) } }
        guard status == 0, let buffer else { throw .encodeFailed(VipsErrorBuffer.take()) }
        let data = Data(bytes: buffer, count: length)
        return format == .webp ? WebPMetadata.strip(data) : data
    }
}
