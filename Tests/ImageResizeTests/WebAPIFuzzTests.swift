import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import ImageResize

/// Every route and every parameter it reads, driven with extreme and
/// malformed values (issue 11 item 1): each answer is a JSON 4xx (or the
/// documented 200 for a value that is in range after all), never a 5xx,
/// and nothing traps (this test process would die).
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct WebAPIFuzzTests {
    /// Values as the handler sees them (after percent-decoding).
    static let hostile: [String] = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
        "1e308", "-1e308", "1e309", "4.9e-324", "NaN", "nan", "-nan", "inf", "-inf", "Infinity", "-0", "-0.0", "0x10", "0b1",
        "", " ", " 1", "1 ", "1,5", "1_000", "+1", "--1", "１", "٣", "\u{0}", "1\u{0}", "\u{0}1", "\u{FFFD}", "\u{202E}1",
        "%", "%%", "%zz", String(repeating: "9", count: 10_000), String(repeating: "a", count: 10_000),
        "00000000-0000-0000-0000-000000000000_9223372036854775807", "9223372036854775807_00000000-0000-0000-0000-000000000000",
        "2026-01-01T00:00:00Z_x", "99999-01-01T00:00:00Z", "-2026-01-01T00:00:00Z", "2026-02-30T25:61:61Z",
    ]

    /// The values a parameter accepts after all (clamped or in range): a 200.
    static let accepted: [String: Set<String>] = [
        "wait": ["9223372036854775807", "9223372036854775808", "18446744073709551616", "1e308", "4.9e-324", "-0", "-0.0", "+1"],
        "window": ["+1"],
        "limit": ["+1"],
    ]

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    static func expectRefusal(_ answer: WebAPIHarness.Answer, _ what: String, allowing ok: Bool = false) {
        if ok, (200..<300).contains(answer.status) { return }
        #expect((400..<500).contains(answer.status), "\(what): \(answer.status) \(answer.text.prefix(300))")
        #expect(answer.errorCode != nil, "\(what): no JSON error: \(answer.text.prefix(300))")
    }

    /// A harness with one finished job (so `wait` returns at once) and its id.
    static func harnessWithAFinishedJob() async throws -> (WebAPIHarness, UUID) {
        let api = WebAPIHarness { $0.maxWaitSeconds = 1 }
        let job = try await api.submit(images: 1)
        try await api.finish(job, image: 0)
        return (api, job)
    }

    @Test(arguments: ["status", "since", "limit", "cursor"])
    func listingParameters(_ name: String) async throws {
        let (api, _) = try await Self.harnessWithAFinishedJob()
        for value in Self.hostile {
            let answer = await api.get("/jobs?\(name)=\(Self.encoded(value))")
            let ok = Self.accepted[name, default: []].contains(value)
            Self.expectRefusal(answer, "\(name)=\(value.prefix(40))", allowing: ok)
            #expect(ok ? answer.status == 200 : answer.status == 422 && answer.fields == [name], "\(name)=\(value.prefix(40))")
        }
    }

    @Test func waitParameter() async throws {
        let (api, job) = try await Self.harnessWithAFinishedJob()
        for value in Self.hostile {
            let answer = await api.get("/jobs/\(job.lowercased)?wait=\(Self.encoded(value))")
            let ok = Self.accepted["wait", default: []].contains(value)
            Self.expectRefusal(answer, "wait=\(value.prefix(40))", allowing: ok)
            #expect(answer.status == (ok ? 200 : 422), "wait=\(value.prefix(40))")
        }
    }

    @Test func windowParameter() async throws {
        let (api, _) = try await Self.harnessWithAFinishedJob()
        for value in Self.hostile {
            let answer = await api.get("/stats?window=\(Self.encoded(value))")
            let ok = Self.accepted["window", default: []].contains(value)
            Self.expectRefusal(answer, "window=\(value.prefix(40))", allowing: ok)
            #expect(answer.status == (ok ? 200 : 422), "window=\(value.prefix(40))")
        }
    }

    /// Ids in paths: never found, never a trap.
    @Test(arguments: ["/jobs/%@", "/jobs/%@?wait=1", "/jobs/00000000-0000-0000-0000-000000000000/images/%@", "/jobs/%@/images/%@", "/job/%@"])
    func idsInPaths(_ pattern: String) async throws {
        let (api, _) = try await Self.harnessWithAFinishedJob()
        for value in Self.hostile where !value.isEmpty {
            let target = pattern.replacingOccurrences(of: "%@", with: Self.encoded(value))
            let answer = await api.get(target)
            Self.expectRefusal(answer, target.prefix(80).description)
            #expect(answer.status == 404 || answer.status == 405, "\(target.prefix(80))")
        }
    }

    /// JSON numbers, strings and shapes where the body has numbers and strings.
    static let jsonValues: [String] = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e308", "-1e308", "1e309", "-1e309",
        "4.9e-324", "-0", "-0.0", "0.5", "1.0000000000000002", "NaN", "Infinity", "-Infinity", "0x10",
        String(repeating: "9", count: 5000), "1" + String(repeating: "0", count: 400), "1e-400",
        #""""#, #""\u0000""#, #""1""#, #""\#(String(repeating: "a", count: 5000))""#, "null", "true", "[]", "{}", "[1]",
        #"{"a":1}"#,
    ]

    @Test(arguments: ["/jobs", "/resize"], ["width", "height", "quality", "url", "input", "fit", "format", "policy"])
    func jsonFieldsOfAnImage(_ route: String, _ field: String) async throws {
        let api = WebAPIHarness()
        for value in Self.jsonValues {
            var image = [#""url":"http://img.example/a.jpg""#, #""width":100"#].filter { !$0.hasPrefix("\"\(field)\"") }
            if field == "input" { image = [#""width":100"#] }
            if field == "width" { image = [#""url":"http://img.example/a.jpg""#] }
            image.append("\"\(field)\":\(value)")
            let body = #"{"images":[{"# + image.joined(separator: ",") + "}]}"
            let answer = await api.send(.post, route, headers: WebAPIHarness.json, body: body)
            // A null height beside a width is an absent height: the one valid body here.
            let ok = field == "height" && value == "null"
            Self.expectRefusal(answer, "\(route) \(field)=\(value.prefix(40))", allowing: ok)
            #expect(ok == (answer.status == 202), "\(route) \(field)=\(value.prefix(40))")
        }
        #expect(await api.store.count == (field == "height" ? 1 : 0), "no job from a refused body")
    }

    @Test(arguments: ["/jobs", "/resize"])
    func jsonBodiesOfEveryShape(_ route: String) async throws {
        let api = WebAPIHarness()
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepObject = String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        let bodies =
            Self.jsonValues + [
                deep, deepObject, #"{"images":"# + deep + "}", #"{"images":[\#(String(repeating: "{},", count: 5000)){}]}"#,
                #"{"images":[1e309]}"#, #"{"images":null}"#, #"{"images":{}}"#, #"{"images":[[]]}"#, #"{"images":[],"x":1e999}"#,
                "\u{0}", "{\u{0}}", #"{"images":[{"url":"http://img.example/a.jpg","width":100}]"#, "\u{FEFF}{}",
                String(decoding: [0xFF, 0xFE, 0x7B, 0x7D], as: UTF8.self),
            ]
        for body in bodies {
            let answer = await api.send(.post, route, headers: WebAPIHarness.json, body: body)
            Self.expectRefusal(answer, "\(route) body \(body.prefix(40))")
        }
        #expect(await api.store.count == 0)
    }

    /// Headers the handlers read: bodies' types, tokens, ETags.
    @Test func hostileHeaders() async throws {
        let (api, job) = try await Self.harnessWithAFinishedJob()
        let image = try #require(try await api.store.job(job)?.images.first?.id)
        for value in Self.hostile {
            let type = await api.send(.post, "/jobs", headers: ["Content-Type": value], body: WebAPIHarness.jobBody())
            Self.expectRefusal(type, "Content-Type \(value.prefix(40))")
            let guarded = WebAPIHarness { $0.apiToken = "t" }
            let token = await guarded.get("/jobs", headers: ["Authorization": "Bearer " + value])
            #expect(token.status == 401, "Authorization \(value.prefix(40))")
            let etag = await api.get("/jobs/\(job.lowercased)/images/\(image.lowercased)", headers: ["If-None-Match": value])
            #expect(etag.status == 200, "If-None-Match \(value.prefix(40))")
        }
    }

    /// Routes without parameters ignore any they are given.
    @Test(arguments: ["/health", "/metrics"])
    func routesWithoutParameters(_ route: String) async {
        let api = WebAPIHarness()
        for value in Self.hostile {
            #expect(await api.get("\(route)?x=\(Self.encoded(value))&\(Self.encoded(value))").status == 200)
        }
    }
}
