import Foundation
import TestSupport
import Testing

@testable import Vips

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct ThumbnailerTests {
    struct Case: Sendable, CustomStringConvertible {
        var width: Int?
        var height: Int?
        var fit: ThumbnailFit
        var upscale = false
        var expected: (Int, Int)
        var description: String {
            "\(width.map(String.init) ?? "-")x\(height.map(String.init) ?? "-") \(fit)\(upscale ? " upscale" : "") -> \(expected)"
        }
    }

    /// A 400x200 source through every fit mode.
    static let cases: [Case] = [
        Case(width: 100, height: 100, fit: .inside, expected: (100, 50)),
        Case(width: 800, height: 800, fit: .inside, expected: (400, 200)),
        Case(width: 800, height: 800, fit: .inside, upscale: true, expected: (800, 400)),
        Case(width: 100, height: nil, fit: .inside, expected: (100, 50)),
        Case(width: nil, height: 50, fit: .inside, expected: (100, 50)),
        Case(width: 100, height: 100, fit: .cover, expected: (100, 100)),
        Case(width: 800, height: 100, fit: .cover, expected: (800, 100)),
        Case(width: nil, height: 100, fit: .cover, expected: (200, 100)),
        Case(width: 100, height: 300, fit: .fill, expected: (100, 300)),
        Case(width: 800, height: nil, fit: .fill, expected: (800, 400)),
    ]

    @Test(arguments: cases, ThumbnailFormat.allCases)
    func dimensionsAndFormat(testCase: Case, format: ThumbnailFormat) throws {
        let source = try TestImages.gradient(width: 400, height: 200)
        let thumbnail = try Thumbnailer().thumbnail(
            source, width: testCase.width, height: testCase.height, fit: testCase.fit,
            format: format, quality: 75, allowUpscale: testCase.upscale)
        #expect(thumbnail.format == format)
        #expect(thumbnail.width == testCase.expected.0)
        #expect(thumbnail.height == testCase.expected.1)
        let decoded = try ImageHeader.probe(thumbnail.data)
        #expect(decoded.format == format.imageFormat)
        #expect(decoded.width == testCase.expected.0)
        #expect(decoded.height == testCase.expected.1)
    }

    @Test(arguments: ThumbnailFormat.allCases)
    func exifOrientationIsAppliedThenStripped(format: ThumbnailFormat) throws {
        // Stored 200x100 with orientation 6 (rotate 90°): upright it is 100x200.
        let source = try TestImages.gradient(width: 200, height: 100, orientation: 6)
        let input = try ImageHeader.probe(source)
        #expect(input.hasEXIF)
        #expect(input.orientation == 6)
        #expect(try TestImages.metadata(of: source, contains: TestImages.cameraMake))
        #expect(try TestImages.metadata(of: source, contains: TestImages.artist))

        let thumbnail = try Thumbnailer().thumbnail(source, width: 50, height: 50, format: format)
        #expect(thumbnail.width == 25)
        #expect(thumbnail.height == 50)
        let output = try ImageHeader.probe(thumbnail.data)
        #expect(output.orientation == nil || output.orientation == 1)
        #expect(try !TestImages.metadata(of: thumbnail.data, contains: TestImages.cameraMake))
        #expect(try !TestImages.metadata(of: thumbnail.data, contains: TestImages.artist))
        // libvips 8.14's webpsave always writes a minimal EXIF block; WebPMetadata removes it.
        #expect(!output.hasEXIF)
        if format == .webp { #expect(!thumbnail.data.contains(Data("EXIF".utf8))) }
    }

    /// JPEG, PNG, WebP and GIF by default; TIFF and HEIF (and AVIF, a HEIF)
    /// only when allowed.
    @Test(arguments: [TestImages.Encoding.png, .webp, .gif, .tiff, .heic, .avif])
    func acceptsTheWebFormatsAndOthersWhenAllowed(encoding: TestImages.Encoding) throws {
        let bands = encoding == .png || encoding == .webp ? 4 : 3 // with alpha where common
        let source = try TestImages.gradient(width: 300, height: 150, bands: bands, as: encoding)
        let byDefault = [.png, .webp, .gif].contains(encoding)
        if !byDefault {
            #expect(throws: VipsError.self) { try Thumbnailer().thumbnail(source, width: 30, height: 30) }
        }
        let allowed = Thumbnailer(acceptedFormats: byDefault ? ImageFormat.webDefaults : Set(ImageFormat.nameable))
        let thumbnail = try allowed.thumbnail(source, width: 30, height: 30, format: .jpeg)
        #expect(thumbnail.width == 30)
        #expect(thumbnail.height == 15)
        #expect(try ImageHeader.probe(thumbnail.data).format == .jpeg)
    }

    @Test func truncatedJPEGThrowsDecodeFailed() throws {
        let source = try TestImages.gradient(width: 1200, height: 900)
        let truncated = source.prefix(source.count / 2)
        #expect(try ImageHeader.probe(Data(truncated)).width == 1200)
        #expect {
            try Thumbnailer().thumbnail(Data(truncated), width: 100, height: 100)
        } throws: { error in
            guard case VipsError.decodeFailed(let message) = error else { return false }
            return !message.isEmpty
        }
    }

    @Test func notAnImageThrowsNotAnImage() {
        #expect(throws: VipsError.notAnImage) {
            try Thumbnailer().thumbnail(Data("{\"error\": \"not found\"}".utf8), width: 100, height: 100)
        }
    }

    @Test func hugeHeaderIsRefusedBeforeDecoding() {
        #expect(throws: VipsError.tooManyPixels(width: 30_000, height: 30_000, limit: 100_000_000)) {
            try Thumbnailer().thumbnail(TestImages.hugePNGHeader(), width: 100, height: 100)
        }
    }

    @Test func pixelLimitIsConfigurable() throws {
        let source = try TestImages.gradient(width: 400, height: 200)
        #expect(throws: VipsError.tooManyPixels(width: 400, height: 200, limit: 79_999)) {
            try Thumbnailer(maxPixels: 79_999).thumbnail(source, width: 10, height: 10)
        }
        #expect(try Thumbnailer(maxPixels: 80_000).thumbnail(source, width: 10, height: 10).width == 10)
    }

    @Test func formatsOutsideTheAcceptedSetAreRefused() throws {
        let png = try TestImages.gradient(width: 50, height: 50, as: .png)
        #expect(throws: VipsError.unsupportedFormat(.png)) {
            try Thumbnailer(acceptedFormats: [.jpeg]).thumbnail(png, width: 10, height: 10)
        }
    }

    @Test(arguments: [0, 101])
    func qualityOutOfRangeIsRejected(quality: Int) throws {
        let source = try TestImages.gradient(width: 40, height: 40)
        #expect(throws: VipsError.invalidRequest("quality must be between 1 and 100, got \(quality)")) {
            try Thumbnailer().thumbnail(source, width: 10, height: 10, quality: quality)
        }
    }

    @Test func concurrentThumbnailsFromManyThreads() async throws {
        try Vips.initialize(concurrency: 1)
        let source = try TestImages.gradient(width: 640, height: 480)
        let sizes = (1...16).map { 10 * $0 }
        let widths = try await withThrowingTaskGroup(of: Int.self) { group in
            for size in sizes {
                group.addTask {
                    try await runOnThread { try Thumbnailer().thumbnail(source, width: size, height: nil).width }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(widths.sorted() == sizes)
    }
}

/// Runs blocking libvips work on its own thread, as callers must.
func runOnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
