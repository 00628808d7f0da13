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
    /// before any pixel is decoded.
    public var maxPixels: Int
    /// Largest width or height a caller may ask for, and a thumbnail may
    /// have (`fill` or `cover` with one side can enlarge the other).
    public var maxDimension: Int
    /// Input formats accepted; others fail with `unsupportedFormat`.
    public var acceptedFormats: Set<ImageFormat>
    /// Refuse images whose decode and thumbnail would hold more memory than
    /// this (`DecodeMemory`): checked from the header, before decoding.
    public var maxMemoryBytes = 100 << 20
    /// CPU seconds one thumbnail may take, decode included; past it the
    /// decode is stopped and the image fails with `cpuTimeExceeded`.
    public var cpuSecondsPerImage = 10.0
    /// Decode a progressive JPEG that libvips reads at 1/8 scale from only the
    /// scans that scale needs (`ProgressiveJPEGPruner`): same pixels, about
    /// half the CPU for a large photo. Off only to measure or compare.
    public var prunesProgressiveJPEGScans = true

    public init(
        maxPixels: Int = 100_000_000, maxDimension: Int = 10_000,
        acceptedFormats: Set<ImageFormat> = ImageFormat.webDefaults
    ) {
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
    ///   `tooManyPixels`, `tooMuchMemory`, `unsupportedPixels`,
    ///   `invalidRequest`, `cpuTimeExceeded`, `decodeFailed`, `encodeFailed`).
    public func thumbnail(
        _ bytes: some ContiguousBytes, width: Int?, height: Int?, fit: ThumbnailFit = .inside,
        format: ThumbnailFormat = .jpeg, quality: Int = 80, allowUpscale: Bool = false
    ) throws(VipsError) -> Thumbnail {
        try Vips.ensureInitialized()
        let plan = try ThumbnailPlan(
            width: width, height: height, fit: fit,
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

    private func thumbnail(
        pinned raw: UnsafeRawBufferPointer, plan: ThumbnailPlan,
        format: ThumbnailFormat, quality: Int
    ) throws(VipsError) -> Thumbnail {
        let header = try ImageHeader.probe(raw, acceptedFormats: acceptedFormats)
        try check(header, inputBytes: raw.count, plan: plan, jpegFrame: header.format == .jpeg ? JPEGFrameHeader.read(raw) : nil)
        if prunesProgressiveJPEGScans, header.format == .jpeg,
            plan.commonShrink(storedWidth: header.width, storedHeight: header.height, orientation: header.orientation)
                >= ThumbnailPlan.eighthScaleShrink,
            let pruned = ProgressiveJPEGPruner.prunedForEighthScale(raw)
        {
            let result: Result<Thumbnail, VipsError> = pruned.withUnsafeBytes { prunedRaw in
                Result { () throws(VipsError) in
                    let source = try BudgetedSource(prunedRaw, cpuSeconds: cpuSecondsPerImage)
                    return try finish(try eighthScale(source, plan: plan), source: source, format: format, quality: quality)
                }
            }
            var thumbnail = try result.get()
            thumbnail.fromPrunedScans = true
            return thumbnail
        }
        let source = try BudgetedSource(raw, cpuSeconds: cpuSecondsPerImage)
        return try finish(try shrink(source, plan: plan), source: source, format: format, quality: quality)
    }

    /// Refuses, from the header alone, an image that would take more memory
    /// or bands than a thumbnail may, or come out larger than `maxDimension`.
    func check(_ header: ImageHeader, inputBytes: Int, plan: ThumbnailPlan, jpegFrame: JPEGFrame?) throws(VipsError) {
        guard header.width <= maxPixels / max(header.height, 1) else {
            throw .tooManyPixels(width: header.width, height: header.height, limit: maxPixels)
        }
        guard header.bands <= 4 else {
            throw .unsupportedPixels("it has \(header.bands) bands; at most 4 (RGB and alpha) are supported")
        }
        let output = plan.outputSize(storedWidth: header.width, storedHeight: header.height, orientation: header.orientation)
        guard output.width <= maxDimension, output.height <= maxDimension else {
            throw .invalidRequest(
                "this \(header.width)x\(header.height) image would come out \(output.width)x\(output.height), "
                    + "larger than \(maxDimension) pixels on a side; give both width and height")
        }
        let needed = DecodeMemory.estimate(header: header, inputBytes: inputBytes, output: output, jpegFrame: jpegFrame)
        guard needed <= maxMemoryBytes else { throw .tooMuchMemory(needed: needed, limit: maxMemoryBytes) }
    }

    /// Decodes the pipeline's pixels, strips metadata and encodes.
    private func finish(_ lazy: VipsImageHandle, source: BudgetedSource, format: ThumbnailFormat, quality: Int) throws(VipsError) -> Thumbnail {
        // Run the decode now, so a truncated file reports as a decode error
        // rather than as a failure to encode. The thumbnail is small.
        source.watch(lazy)
        guard let rendered = msgflo_vips_image_copy_memory(lazy.pointer) else {
            throw source.explain(.decodeFailed(VipsErrorBuffer.take()))
        }
        let image = VipsImageHandle(rendered)
        guard let stripped = msgflo_vips_strip_copy(image.pointer) else {
            throw .encodeFailed(VipsErrorBuffer.take())
        }
        let data = try encode(VipsImageHandle(stripped), format: format, quality: quality)
        return Thumbnail(data: data, format: format, width: image.width, height: image.height)
    }

    private func shrink(_ source: BudgetedSource, plan: ThumbnailPlan) throws(VipsError) -> VipsImageHandle {
        var out: UnsafeMutablePointer<VipsImage>?
        let status = msgflo_vips_thumbnail_source(
            source.pointer, &out,
            Int32(plan.width), Int32(plan.height), Int32(plan.size.rawValue), Int32(plan.crop.rawValue),
            0, Int32(VIPS_FAIL_ON_TRUNCATED.rawValue))
        guard status == 0, let out else {
            if let out { msgflo_vips_unref(out) }
            throw source.explain(.decodeFailed(VipsErrorBuffer.take()))
        }
        return VipsImageHandle(out)
    }

    /// What `shrink` does for a JPEG libvips would decode at 1/8 scale, on a
    /// stream cut to the scans such a decode reads: loaded at 1/8 here, then
    /// `thumbnail_image` resizes, rotates and crops as `thumbnail_buffer` would.
    private func eighthScale(_ source: BudgetedSource, plan: ThumbnailPlan) throws(VipsError) -> VipsImageHandle {
        guard let loaded = msgflo_vips_jpegload_source_shrink(source.pointer, 8, Int32(VIPS_FAIL_ON_TRUNCATED.rawValue)) else {
            throw source.explain(.decodeFailed(VipsErrorBuffer.take()))
        }
        let image = VipsImageHandle(loaded)
        var out: UnsafeMutablePointer<VipsImage>?
        let status = withExtendedLifetime(image) {
            msgflo_vips_thumbnail_image(
                image.pointer, &out, Int32(plan.width), Int32(plan.height), Int32(plan.size.rawValue), Int32(plan.crop.rawValue), 0)
        }
        guard status == 0, let out else {
            if let out { msgflo_vips_unref(out) }
            throw source.explain(.decodeFailed(VipsErrorBuffer.take()))
        }
        return VipsImageHandle(out)
    }

    private func encode(_ image: VipsImageHandle, format: ThumbnailFormat, quality: Int) throws(VipsError) -> Data {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32 =
            switch format {
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
