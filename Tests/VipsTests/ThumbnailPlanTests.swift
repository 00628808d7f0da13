import CVips
import Testing
@testable import Vips

@Suite struct ThumbnailPlanTests {
    static let big = ThumbnailPlan.unbounded

    @Test(arguments: [
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

    @Test(arguments: [
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
}
