import CVips
import TestSupport
import Testing

@testable import Vips

@Suite(.logsOnFailure) struct ThumbnailPlanTests {
    static let big = ThumbnailPlan.unbounded

    @Test(
        arguments: [
            // width, height, fit, upscale -> width, height, size, crop
            (300, 200, ThumbnailFit.inside, false, ThumbnailPlan(width: 300, height: 200, size: VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE)),
            (300, 200, .inside, true, ThumbnailPlan(width: 300, height: 200, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_NONE)),
            (300, 200, .cover, false, ThumbnailPlan(width: 300, height: 200, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_CENTRE)),
            (300, 200, .fill, false, ThumbnailPlan(width: 300, height: 200, size: VIPS_SIZE_FORCE, crop: VIPS_INTERESTING_NONE)),
            (300, nil, .inside, false, ThumbnailPlan(width: 300, height: big, size: VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE)),
            (nil, 200, .inside, true, ThumbnailPlan(width: big, height: 200, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_NONE)),
            (300, nil, .cover, false, ThumbnailPlan(width: 300, height: big, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_NONE)),
            (nil, 200, .fill, false, ThumbnailPlan(width: big, height: 200, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_NONE)),
        ] as [(Int?, Int?, ThumbnailFit, Bool, ThumbnailPlan)])
    func plans(width: Int?, height: Int?, fit: ThumbnailFit, upscale: Bool, expected: ThumbnailPlan) throws {
        let plan = try ThumbnailPlan(width: width, height: height, fit: fit, allowUpscale: upscale, maxDimension: 10_000)
        #expect(plan == expected)
    }

    @Test(
        arguments: [
            (nil, nil, "give a width, a height or both"),
            (0, 100, "width must be at least 1, got 0"),
            (100, -5, "height must be at least 1, got -5"),
            (10_001, 100, "width must be at most 10000, got 10001"),
        ] as [(Int?, Int?, String)])
    func invalidRequests(width: Int?, height: Int?, message: String) {
        #expect(throws: VipsError.invalidRequest(message)) {
            try ThumbnailPlan(width: width, height: height, fit: .inside, allowUpscale: false, maxDimension: 10_000)
        }
    }

    /// libvips 8.14's common shrink, which decides the JPEG shrink-on-load
    /// (1/8 scale from 16 on) and so whether progressive scans may be pruned.
    @Test(
        arguments: [
            // plan (width, height, fit), stored image, orientation -> shrink
            (300, nil, ThumbnailFit.inside, 5120, 2880, nil, 5120.0 / 300),
            (300, nil, .inside, 2560, 1600, nil, 2560.0 / 300),
            (nil, 200, .inside, 5120, 2880, nil, 2880.0 / 200),
            (300, 300, .inside, 5120, 2880, nil, 5120.0 / 300), // fits the wider side
            (300, 300, .cover, 5120, 2880, nil, 2880.0 / 300), // fills with the narrower
            (300, 100, .fill, 5120, 2880, nil, 5120.0 / 300), // each axis its own: the smaller
            (300, 100, .fill, 2400, 3200, nil, 2400.0 / 300),
            (300, nil, .inside, 5120, 2880, 6, 2880.0 / 300), // upright it is 2880 wide
            (300, nil, .inside, 5120, 2880, 8, 2880.0 / 300),
            (300, nil, .inside, 5120, 2880, 3, 5120.0 / 300), // 180°: no swap
            (300, 200, .cover, 2880, 5120, 5, 2880.0 / 200), // upright 5120x2880 into 300x200
            (100, nil, .inside, 2000, 10, nil, 10), // 20x wide, but a 10 px tall image cannot lose more than 10x
            (10_000, nil, .inside, 5120, 2880, nil, 1), // never enlarged: at least 1
        ] as [(Int?, Int?, ThumbnailFit, Int, Int, Int?, Double)])
    func commonShrink(
        width: Int?, height: Int?, fit: ThumbnailFit, storedWidth: Int, storedHeight: Int,
        orientation: Int?, expected: Double
    ) throws {
        let plan = try ThumbnailPlan(width: width, height: height, fit: fit, allowUpscale: false, maxDimension: 10_000)
        let shrink = plan.commonShrink(storedWidth: storedWidth, storedHeight: storedHeight, orientation: orientation)
        #expect(abs(shrink - expected) < 1e-9)
    }
}
