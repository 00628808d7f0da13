import Foundation
import TestSupport
import Testing

@testable import Vips

/// The pruner on hand-built marker streams (what is kept, what gives nil),
/// then on real progressive JPEGs: the thumbnail must be byte-for-byte the one
/// the full decode makes.
@Suite(.logsOnFailure) struct ProgressiveJPEGPrunerTests {
    /// A marker segment with a length.
    static func segment(_ code: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, code, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }

    /// A frame header: 8-bit, 16x16, components (id, h, v).
    static func frame(_ components: [(UInt8, UInt8, UInt8)], code: UInt8 = 0xC2) -> [UInt8] {
        segment(code, [8, 0, 16, 0, 16, UInt8(components.count)] + components.flatMap { [$0.0, $0.1 << 4 | $0.2, 0] })
    }

    /// A scan header and entropy-coded data (with a stuffed 0xFF00 and a restart marker in it).
    static func scan(
        _ components: [UInt8], _ ss: UInt8, _ se: UInt8, ah: UInt8 = 0, al: UInt8 = 0,
        data: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]
    ) -> [UInt8] {
        segment(0xDA, [UInt8(components.count)] + components.flatMap { [$0, 0x00] } + [ss, se, ah << 4 | al]) + data
    }

    static let soi: [UInt8] = [0xFF, 0xD8]
    static let eoi: [UInt8] = [0xFF, 0xD9]
    static let app0 = segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
    static let dqt = segment(0xDB, [0] + Array(repeating: 1, count: 64))
    static let dht = segment(0xC4, [0x10] + Array(repeating: 0, count: 16))
    static let yuv420: [(UInt8, UInt8, UInt8)] = [(1, 2, 2), (2, 1, 1), (3, 1, 1)]
    static let yuv444: [(UInt8, UInt8, UInt8)] = [(1, 1, 1), (2, 1, 1), (3, 1, 1)]

    /// libjpeg's standard progression script for three components.
    static func standardScans() -> [[UInt8]] {
        [
            scan([1, 2, 3], 0, 0, al: 1), scan([1], 1, 5, al: 2), scan([3], 1, 63, al: 1), scan([2], 1, 63, al: 1),
            scan([1], 6, 63, al: 2), scan([1], 1, 63, ah: 2, al: 1), scan([1, 2, 3], 0, 0, ah: 1),
            scan([3], 1, 63, ah: 1), scan([2], 1, 63, ah: 1), scan([1], 1, 63, ah: 1),
        ]
    }

    static func stream(frame: [UInt8], scans: [[UInt8]], tail: [UInt8] = eoi) -> [UInt8] {
        soi + app0 + dqt + frame + dht + scans.joined() + tail
    }

    static func prune(_ bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBytes { ProgressiveJPEGPruner.prunedForEighthScale($0) }
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var input: [UInt8]
        /// Indices of `scans` expected to survive; nil when the pruner must give up.
        var expected: [UInt8]?
    }

    static var cases: [Case] {
        let scans = standardScans()
        let header = soi + app0 + dqt
        return [
            Case(
                description: "4:2:0: luma keeps DC and its first AC scan, chroma keeps everything",
                input: stream(frame: frame(yuv420), scans: scans),
                expected: header + frame(yuv420) + dht + [scans[0], scans[1], scans[2], scans[3], scans[6], scans[7], scans[8]].joined() + eoi),
            Case(
                description: "4:4:4: every component keeps DC and its first AC scan",
                input: stream(frame: frame(yuv444), scans: scans),
                expected: header + frame(yuv444) + dht + [scans[0], scans[1], scans[2], scans[3], scans[6]].joined() + eoi),
            Case(
                description: "greyscale",
                input: stream(
                    frame: frame([(1, 1, 1)]),
                    scans: [scan([1], 0, 0, al: 1), scan([1], 1, 5, al: 2), scan([1], 6, 63, al: 2), scan([1], 0, 0, ah: 1)]),
                expected: header + frame([(1, 1, 1)]) + dht + [scan([1], 0, 0, al: 1), scan([1], 1, 5, al: 2), scan([1], 0, 0, ah: 1)].joined() + eoi),
            Case(
                description: "a first AC scan past coefficient 9 guards nothing: dropped",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 0, 0), scan([1], 10, 63), scan([1], 1, 9)]),
                expected: header + frame([(1, 1, 1)]) + dht + [scan([1], 0, 0), scan([1], 1, 9)].joined() + eoi),
            Case(
                description: "fill bytes before a marker",
                input: soi + [0xFF, 0xFF] + Array(app0.dropFirst()) + dqt + frame([(1, 1, 1)]) + dht
                    + [scan([1], 0, 0), scan([1], 1, 5), scan([1], 6, 63)].joined() + eoi,
                expected: soi + [0xFF, 0xFF] + Array(app0.dropFirst()) + dqt + frame([(1, 1, 1)]) + dht
                    + [scan([1], 0, 0), scan([1], 1, 5)].joined() + eoi),
            Case(
                description: "bytes after EOI are left out",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 0, 0), scan([1], 1, 5), scan([1], 6, 63)], tail: eoi + [1, 2, 3]),
                expected: header + frame([(1, 1, 1)]) + dht + [scan([1], 0, 0), scan([1], 1, 5)].joined() + eoi),
            Case(
                description: "a repeated component id",
                input: stream(frame: frame([(1, 1, 1), (1, 2, 2)]), scans: [scan([1], 0, 0), scan([1], 1, 5), scan([1], 6, 63)]), expected: nil),
            Case(
                description: "a sampling factor of 0",
                input: stream(frame: frame([(1, 0, 1)]), scans: [scan([1], 0, 0), scan([1], 1, 5), scan([1], 6, 63)]), expected: nil),
            Case(
                description: "a scan of a component the frame lacks",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 0, 0), scan([1], 1, 5), scan([2], 1, 5)]), expected: nil),
            Case(
                description: "an AC scan before its DC scan",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 1, 5), scan([1], 0, 0), scan([1], 6, 63)]), expected: nil),
            Case(
                description: "no first AC scan among coefficients 1-9",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 0, 0), scan([1], 10, 63)]), expected: nil),
            Case(
                description: "a point transform past 13",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 0, 0, al: 14), scan([1], 1, 5), scan([1], 6, 63)]), expected: nil),
            Case(
                description: "a refinement of more than one bit",
                input: stream(frame: frame([(1, 1, 1)]), scans: [scan([1], 0, 0, al: 2), scan([1], 1, 5), scan([1], 6, 63), scan([1], 0, 0, ah: 2)]),
                expected: nil),
            Case(description: "nothing to prune", input: stream(frame: frame(yuv420), scans: [scan([1, 2, 3], 0, 0)]), expected: nil),
            Case(description: "baseline", input: stream(frame: frame(yuv420, code: 0xC0), scans: [scan([1, 2, 3], 0, 63)]), expected: nil),
            Case(description: "arithmetic progressive", input: stream(frame: frame(yuv420, code: 0xCA), scans: scans), expected: nil),
            Case(description: "two frames", input: stream(frame: frame(yuv420) + frame(yuv420), scans: scans), expected: nil),
            Case(description: "a scan before the frame", input: soi + scans[0] + frame(yuv420) + eoi, expected: nil),
            Case(description: "no EOI", input: stream(frame: frame(yuv420), scans: scans, tail: []), expected: nil),
            Case(description: "truncated inside a scan", input: Array(stream(frame: frame(yuv420), scans: scans).dropLast(6)), expected: nil),
            Case(description: "truncated inside a segment length", input: soi + app0 + [0xFF, 0xDB, 0x00], expected: nil),
            Case(description: "a length past the end", input: soi + [0xFF, 0xE1, 0x7F, 0xFF, 0x00] + eoi, expected: nil),
            Case(description: "a length under 2", input: soi + [0xFF, 0xE1, 0x00, 0x01] + eoi, expected: nil),
            Case(description: "DNL", input: stream(frame: frame(yuv420), scans: scans + [segment(0xDC, [0, 16])]), expected: nil),
            Case(description: "an interleaved AC scan", input: stream(frame: frame(yuv420), scans: [scan([1, 2], 1, 5)]), expected: nil),
            Case(description: "a spectral range past 63", input: stream(frame: frame(yuv420), scans: [scan([1], 1, 64)]), expected: nil),
            Case(description: "not a JPEG", input: Array("GIF89a and more bytes".utf8), expected: nil),
            Case(description: "empty", input: [], expected: nil),
            Case(description: "a restart marker outside a scan", input: soi + [0xFF, 0xD0] + eoi, expected: nil),
            Case(
                description: "more segments than a real file has",
                input: soi + Array(repeating: segment(0xFE, [0x41]), count: ProgressiveJPEGPruner.maxSegments).joined()
                    + frame(yuv420) + dht + scans.joined() + eoi,
                expected: nil),
            Case(description: "garbage between segments", input: soi + app0 + [0x00, 0x11] + eoi, expected: nil),
        ]
    }

    @Test(arguments: cases)
    func prunes(testCase: Case) {
        #expect(Self.prune(testCase.input) == testCase.expected)
    }

    // MARK: real progressive JPEGs through libvips

    struct ImageCase: Sendable, CustomStringConvertible {
        var bands = 3
        var subsampling = TestImages.Subsampling.on
        var orientation: Int?
        var width: Int?
        var height: Int?
        var fit = ThumbnailFit.inside
        var shrinksSixteenfold = true
        var description: String {
            "\(bands) bands, subsampling \(subsampling), orientation \(orientation ?? 1), \(width.map(String.init) ?? "-")x\(height.map(String.init) ?? "-") \(fit)"
        }
    }

    /// Most requests here shrink a 2400x1600 image 16x or more, so libvips
    /// decodes it at 1/8 scale and the pruned stream is used; the last two
    /// (shrink 8 and 15) must not use it, or their AC detail would be lost.
    static let imageCases: [ImageCase] = [
        ImageCase(width: 150),
        ImageCase(subsampling: .off, width: 150),
        ImageCase(bands: 1, width: 120),
        ImageCase(width: 100, height: 100, fit: .inside),
        ImageCase(width: 90, height: 90, fit: .cover),
        ImageCase(width: 100, height: 60, fit: .fill),
        ImageCase(subsampling: .off, orientation: 6, width: 90),
        ImageCase(orientation: 8, height: 140),
        ImageCase(orientation: 3, width: 150),
        ImageCase(width: 300, shrinksSixteenfold: false),
        ImageCase(subsampling: .off, width: 160, shrinksSixteenfold: false),
    ]

    @Test(arguments: imageCases)
    func sameThumbnailAsTheFullDecode(testCase: ImageCase) throws {
        let source = try TestImages.texture(
            width: 2400, height: 1600, bands: testCase.bands,
            subsampling: testCase.subsampling, orientation: testCase.orientation)
        let pruned = try #require(source.withUnsafeBytes { ProgressiveJPEGPruner.prunedForEighthScale($0) })
        #expect(pruned.count < source.count * 2 / 3, "the AC scans of the full-resolution components are most of the file")
        var full = Thumbnailer()
        full.prunesProgressiveJPEGScans = false
        for format in ThumbnailFormat.allCases {
            let expected = try full.thumbnail(source, width: testCase.width, height: testCase.height, fit: testCase.fit, format: format)
            let actual = try Thumbnailer().thumbnail(source, width: testCase.width, height: testCase.height, fit: testCase.fit, format: format)
            #expect(
                actual.fromPrunedScans == testCase.shrinksSixteenfold, "\(format): the pruned stream must be used exactly when libvips decodes at 1/8"
            )
            #expect(!expected.fromPrunedScans)
            #expect(actual.width == expected.width && actual.height == expected.height)
            #expect(actual.data == expected.data, "\(format): the pruned decode must give the same pixels")
        }
    }

    @Test func baselineJPEGsAreLeftAlone() throws {
        let source = try TestImages.texture(width: 640, height: 480, progressive: false)
        #expect(source.withUnsafeBytes { ProgressiveJPEGPruner.prunedForEighthScale($0) } == nil)
    }

    @Test func truncatedProgressiveJPEGStillFails() throws {
        let source = try TestImages.texture(width: 2400, height: 1600)
        let truncated = source.prefix(source.count * 3 / 4)
        #expect(truncated.withUnsafeBytes { ProgressiveJPEGPruner.prunedForEighthScale($0) } == nil)
        #expect(throws: VipsError.self) { try Thumbnailer().thumbnail(Data(truncated), width: 150, height: nil) }
    }
}
