import Foundation
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import ImageResize

@Suite(.logsOnFailure) struct TimestampFormatTests {
    @Test(
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"), (1_700_000_000.25, "2023-11-14T22:13:20.250Z"),
            (1_700_000_000.2509, "2023-11-14T22:13:20.250Z"), (-0.001, "1969-12-31T23:59:59.999Z"),
            (951_782_400, "2000-02-29T00:00:00.000Z"), (-62_135_596_800, "0001-01-01T00:00:00.000Z"),
            (253_402_300_799.9995, "9999-12-31T23:59:59.999Z"), (1e300, "9999-12-31T23:59:59.999Z"),
            (-1e300, "0001-01-01T00:00:00.000Z"), (.nan, "1970-01-01T00:00:00.000Z"),
        ] as [(Double, String)])
    func formats(seconds: Double, expected: String) {
        #expect(Timestamps.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    /// The same text as Foundation's ISO 8601 format style, which wrote every
    /// timestamp before, from 1900 to 2200. (Half a millisecond in: at whole
    /// milliseconds Foundation truncates the binary fraction, .964 to .963.)
    @Test func matchesFoundationsFormat() {
        var generator = SplitMix64(seed: 11)
        let style = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted)
        for _ in 0..<2_000 {
            let milliseconds = Int.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let date = Date(timeIntervalSince1970: (Double(milliseconds) + 0.5) / 1000)
            #expect(Timestamps.format(date) == date.formatted(style), "\(milliseconds) ms")
        }
    }

    /// Whole milliseconds from 1900 to 2200 (further out a `Date`'s binary
    /// fraction is coarser than a microsecond and .269 may read .268).
    @Test func formattedTimesParseBack() throws {
        var generator = SplitMix64(seed: 12)
        for _ in 0..<2_000 {
            let milliseconds = Int.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let text = Timestamps.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let parsed = try #require(Timestamps.parse(text), "\(text)")
            #expect((parsed.timeIntervalSince1970 * 1000).rounded() == Double(milliseconds), "\(text)")
        }
    }
}

@Suite(.logsOnFailure) struct ResizeRequestWireFormTests {
    /// The message as the Codable form wrote it (ids as `uuidString`, no key
    /// for an absent height), byte for byte: workers of older releases read it.
    @Test func theMessageKeepsItsForm() throws {
        let request = ResizeRequest(
            jobID: try #require(UUID(uuidString: "0A9E3F52-1C2B-4D1E-9F00-0123456789AB")),
            imageID: try #require(UUID(uuidString: "FFFFFFFF-0000-4000-8000-000000000001")),
            spec: ImageSpec(url: "http://a/b.png?x=\"1\"", width: 64, height: nil, fit: .cover, format: .webp, quality: 75),
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.25))
        let expected =
            #"{"created_at":"2023-11-14T22:13:20.250Z","image":{"fit":"cover","format":"webp","quality":75,"url":"http://a/b.png?x=\"1\"","width":64},"#
            + #""image_id":"FFFFFFFF-0000-4000-8000-000000000001","job_id":"0A9E3F52-1C2B-4D1E-9F00-0123456789AB"}"#
        #expect(String(decoding: request.encoded(), as: UTF8.self) == expected)
        #expect(String(decoding: try Timestamps.encoder.encode(request), as: UTF8.self) == expected)
        #expect(try ResizeRequest.decode(request.encoded()) == request)
    }
}
