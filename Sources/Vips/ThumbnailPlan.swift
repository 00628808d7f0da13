import CVips

/// The libvips `thumbnail` arguments for a request: a pure function, so the
/// size rules are tested with tables rather than with images.
///
/// Rules:
/// - `inside` never enlarges unless `allowUpscale` (a 200 px image asked for
///   800 px stays 200 px: enlarging adds bytes, not detail).
/// - `cover` and `fill` always produce exactly width x height: that is what
///   their caller asked for.
/// - With one side given, the other follows the aspect ratio, whatever the fit
///   (there is no box to crop to or stretch into).
struct ThumbnailPlan: Equatable {
    /// libvips' "no limit" for the side that was not given.
    static let unbounded = 10_000_000

    var width: Int
    var height: Int
    var size: VipsSize
    var crop: VipsInteresting

    init(width: Int, height: Int, size: VipsSize, crop: VipsInteresting) {
        self.width = width
        self.height = height
        self.size = size
        self.crop = crop
    }

    init(width: Int?, height: Int?, fit: ThumbnailFit, allowUpscale: Bool, maxDimension: Int) throws(VipsError) {
        for (name, value) in [("width", width), ("height", height)] {
            guard let value else { continue }
            guard value >= 1 else { throw .invalidRequest("\(name) must be at least 1, got \(value)") }
            guard value <= maxDimension else {
                throw .invalidRequest("\(name) must be at most \(maxDimension), got \(value)")
            }
        }
        switch (width, height) {
        case (nil, nil):
            throw .invalidRequest("give a width, a height or both")
        case (let width?, let height?):
            switch fit {
            case .inside:
                self.init(width: width, height: height, size: allowUpscale ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE)
            case .cover:
                self.init(width: width, height: height, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_CENTRE)
            case .fill:
                self.init(width: width, height: height, size: VIPS_SIZE_FORCE, crop: VIPS_INTERESTING_NONE)
            }
        case (let width, let height):
            let upscale = allowUpscale || fit != .inside
            self.init(
                width: width ?? Self.unbounded, height: height ?? Self.unbounded,
                size: upscale ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE)
        }
    }

    /// The factor by which libvips' `thumbnail` shrinks an image of this
    /// stored size (8.14's common shrink: target sides swapped when the EXIF
    /// orientation turns the image, one factor for both axes unless `fill`,
    /// clamped by `size` and so no axis drops under one pixel, the smaller of
    /// the two). At 16 or more it decodes a JPEG at 1/8 scale.
    func commonShrink(storedWidth: Int, storedHeight: Int, orientation: Int?) -> Double {
        let (horizontal, vertical) = shrinkFactors(storedWidth: storedWidth, storedHeight: storedHeight, orientation: orientation)
        return min(horizontal, vertical)
    }

    /// The size of the thumbnail of an image of this stored size, upright
    /// (libvips 8.14: each axis divided by its shrink factor and rounded,
    /// cropped to the box with `cover`, turned by the EXIF orientation).
    /// What a request asks for can be far from what it gets: `fill` or
    /// `cover` with one side enlarges the other side with the aspect ratio,
    /// so a 16x10000 image asked 4096 wide comes out 2.56 million pixels tall.
    func outputSize(storedWidth: Int, storedHeight: Int, orientation: Int?) -> (width: Int, height: Int) {
        let turned = (5...8).contains(orientation ?? 1)
        let (horizontal, vertical) = shrinkFactors(storedWidth: storedWidth, storedHeight: storedHeight, orientation: orientation)
        func side(_ stored: Int, _ shrink: Double) -> Double { max(1, (Double(stored) / shrink).rounded()) }
        var outWidth = side(storedWidth, horizontal)
        var outHeight = side(storedHeight, vertical)
        if crop != VIPS_INTERESTING_NONE {
            outWidth = min(outWidth, Double(turned ? height : width))
            outHeight = min(outHeight, Double(turned ? width : height))
        }
        func integer(_ value: Double) -> Int { value < Double(Int.max) ? Int(value) : Int.max }
        return turned ? (integer(outHeight), integer(outWidth)) : (integer(outWidth), integer(outHeight))
    }

    /// libvips 8.14's shrink factors per stored axis (`vips_thumbnail_calculate_shrink`).
    func shrinkFactors(storedWidth: Int, storedHeight: Int, orientation: Int?) -> (horizontal: Double, vertical: Double) {
        let turned = (5...8).contains(orientation ?? 1)
        var horizontal = Double(storedWidth) / Double(turned ? height : width)
        var vertical = Double(storedHeight) / Double(turned ? width : height)
        if size != VIPS_SIZE_FORCE {
            // cover fills the box (the smaller shrink wins), inside fits in it (the larger).
            let shared = crop != VIPS_INTERESTING_NONE ? min(horizontal, vertical) : max(horizontal, vertical)
            horizontal = shared
            vertical = shared
        }
        if size == VIPS_SIZE_UP {
            horizontal = min(1, horizontal)
            vertical = min(1, vertical)
        } else if size == VIPS_SIZE_DOWN {
            horizontal = max(1, horizontal)
            vertical = max(1, vertical)
        }
        // No axis is shrunk below one pixel.
        horizontal = min(horizontal, Double(storedWidth))
        vertical = min(vertical, Double(storedHeight))
        return (horizontal, vertical)
    }

    /// libvips' `thumbnail` decodes a JPEG at 1/8 scale from a shrink of 16 on.
    static let eighthScaleShrink = 16.0
}
