import CVips
import Foundation
import TestSupport
import Testing

@testable import Vips

/// The memory a thumbnail takes, from the header: each rule of `DecodeMemory`
/// and the output size it counts.
@Suite(.logsOnFailure) struct DecodeMemoryTests {
    static let subsampled = JPEGFrame(components: [
        .init(id: 1, horizontal: 2, vertical: 2), .init(id: 2, horizontal: 1, vertical: 1),
        .init(id: 3, horizontal: 1, vertical: 1),
    ])

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var header: ImageHeader
        var input = 1_000
        var output = (width: 300, height: 200)
        var frame: JPEGFrame?
        var expected: Int
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "baseline JPEG streams: the output only",
            header: ImageHeader(format: .jpeg, width: 6000, height: 4000, bands: 3), expected: 300 * 200 * 3),
        Case(
            name: "progressive 4:2:0 JPEG: every coefficient, chroma at a quarter",
            header: ImageHeader(format: .jpeg, width: 5120, height: 2880, bands: 3, interlaced: true), frame: subsampled,
            expected: 300 * 200 * 3 + (640 * 360 + 2 * 320 * 180) * 128),
        Case(
            name: "progressive JPEG of unknown sampling: every component at full size",
            header: ImageHeader(format: .jpeg, width: 5121, height: 2880, bands: 3, interlaced: true),
            expected: 300 * 200 * 3 + 641 * 360 * 128 * 3),
        Case(
            name: "interlaced 16-bit RGB PNG: the whole image",
            header: ImageHeader(format: .png, width: 10_000, height: 10_000, bands: 3, bytesPerSample: 2, interlaced: true),
            expected: 300 * 200 * 6 + 600_000_000),
        Case(
            name: "non-interlaced 16-bit PNG streams",
            header: ImageHeader(format: .png, width: 10_000, height: 10_000, bands: 3, bytesPerSample: 2), expected: 300 * 200 * 6),
        Case(
            name: "GIF: the RGBA canvas and the file",
            header: ImageHeader(format: .gif, width: 10_000, height: 10_000, bands: 4), input: 260_000,
            expected: 300 * 200 * 4 + 400_000_000 + 260_000),
        Case(
            name: "WebP: RGBA and the file",
            header: ImageHeader(format: .webp, width: 4000, height: 3000, bands: 3), input: 2_000_000,
            expected: 300 * 200 * 3 + 48_000_000 + 2_000_000),
        Case(
            name: "64-band float TIFF asked at 4096x4096: the output is the bomb",
            header: ImageHeader(format: .tiff, width: 16, height: 16, bands: 64, bytesPerSample: 4), input: 66_000,
            output: (4096, 4096), expected: 4096 * 4096 * 256 + 16 * 16 * 256 + 66_000),
        Case(
            name: "sizes past any memory saturate instead of overflowing",
            header: ImageHeader(format: .tiff, width: Int.max, height: Int.max, bands: 4, bytesPerSample: 8),
            expected: Int.max),
    ]

    @Test(arguments: cases)
    func estimates(_ testCase: Case) {
        #expect(
            DecodeMemory.estimate(
                header: testCase.header, inputBytes: testCase.input, output: testCase.output,
                jpegFrame: testCase.frame) == testCase.expected)
    }

    /// What libvips makes of a plan: shrink per axis, rounded, cropped with
    /// `cover`, turned by the orientation (checked against libvips in ThumbnailerTests).
    @Test(
        arguments: [
            // plan (width, height, fit), stored size, orientation -> output
            (300, nil, ThumbnailFit.inside, 5120, 2880, nil, 300, 169),
            (300, 300, .cover, 5120, 2880, nil, 300, 300),
            (300, 100, .fill, 5120, 2880, nil, 300, 100),
            (800, 800, .inside, 400, 200, nil, 400, 200),
            (100, 50, .inside, 200, 100, 6, 25, 50),
            (4096, nil, .fill, 16, 16, nil, 4096, 4096),
            (4096, nil, .fill, 16, 10_000, nil, 4096, 2_560_000),
            (nil, 1000, .inside, 100_000, 1000, nil, 100_000, 1000),
        ] as [(Int?, Int?, ThumbnailFit, Int, Int, Int?, Int, Int)])
    func outputSizes(
        width: Int?, height: Int?, fit: ThumbnailFit, storedWidth: Int, storedHeight: Int, orientation: Int?,
        outWidth: Int, outHeight: Int
    ) throws {
        let plan = try ThumbnailPlan(width: width, height: height, fit: fit, allowUpscale: false, maxDimension: 10_000)
        let output = plan.outputSize(storedWidth: storedWidth, storedHeight: storedHeight, orientation: orientation)
        #expect(output.width == outWidth)
        #expect(output.height == outHeight)
    }

    @Test(arguments: [TestImages.Subsampling.on, .off], [true, false])
    func frameHeaderOfAnyJPEG(subsampling: TestImages.Subsampling, progressive: Bool) throws {
        let jpeg = try TestImages.texture(width: 64, height: 48, progressive: progressive, subsampling: subsampling, orientation: 3)
        let frame = try #require(jpeg.withUnsafeBytes { JPEGFrameHeader.read($0) })
        let luma = subsampling == .on ? 2 : 1
        #expect(frame.components.map(\.horizontal) == [UInt8(luma), 1, 1])
        #expect(frame.components.map(\.vertical) == [UInt8(luma), 1, 1])
    }

    @Test(arguments: [
        Data(), Data([0xFF, 0xD8]), Data([0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), Data("not a jpeg".utf8),
        Data([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]),
    ])
    func frameHeaderOfGarbageIsNil(bytes: Data) {
        #expect(bytes.withUnsafeBytes { JPEGFrameHeader.read($0) } == nil)
    }
}
