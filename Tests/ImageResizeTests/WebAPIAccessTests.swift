import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import ImageResize

/// Who may read what (issue 11 item 6): with a token every route but
/// `/health`, `/metrics` and the demo page needs it; secrets inside source
/// URLs never come back out; the original API takes any `operation`.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct WebAPIAccessTests {
    static let token = "s3cret"
    static let bearer: HTTPHeaders = ["Authorization": "Bearer s3cret", "Content-Type": "application/json"]
    static let job = "00000000-0000-0000-0000-000000000001"

    /// Every API route: 401 without the token, its usual answer with it.
    @Test(arguments: [
        (HTTPMethod.get, "/jobs", 200),
        (.get, "/jobs/\(job)", 404),
        (.get, "/jobs/\(job)/images/\(job)", 404),
        (.get, "/stats", 200),
        (.get, "/job/\(job)", 404),
        (.post, "/jobs", 202),
        (.post, "/resize", 202),
        (.get, "/demo/state", 200),
    ])
    func everyRouteNeedsTheToken(_ method: HTTPMethod, _ target: String, _ status: Int) async {
        let api = WebAPIHarness(demoPage: true) { $0.apiToken = Self.token }
        let body = method == .post ? WebAPIHarness.jobBody() : ""
        let without = await api.send(method, target, headers: WebAPIHarness.json, body: body)
        #expect(without.status == 401 && without.errorCode == "unauthorized", "\(without.text)")
        let wrong = await api.send(method, target, headers: ["Authorization": "Bearer s3cres", "Content-Type": "application/json"], body: body)
        #expect(wrong.status == 401)
        let with = await api.send(method, target, headers: Self.bearer, body: body)
        #expect(with.status == status, "\(with.text)")
    }

    @Test(arguments: ["/health", "/metrics", "/"])
    func publicRoutesNeedNoToken(_ target: String) async {
        let api = WebAPIHarness(demoPage: true) { $0.apiToken = Self.token }
        #expect(await api.get(target).status == 200)
    }

    @Test func metricsHaveTheirOwnTokenWhenSet() async {
        let api = WebAPIHarness {
            $0.apiToken = Self.token
            $0.metricsToken = "scrape"
        }
        #expect(await api.get("/metrics").status == 401)
        #expect(await api.get("/metrics", headers: ["Authorization": "Bearer s3cret"]).status == 401)
        #expect(await api.get("/metrics", headers: ["Authorization": "Bearer scrape"]).status == 200)
    }

    static let secretURL = "https://alice:pa55word@img.example/a.jpg?X-Amz-Credential=AKIAKEY&X-Amz-Signature=feedbeef&w=1"
    static let secrets = ["alice", "pa55word", "AKIAKEY", "feedbeef"]

    /// The answer to the POST, the job, the listing and the original API's view.
    @Test func sourceURLsAreShownWithoutTheirSecrets() async throws {
        let api = WebAPIHarness()
        let body = #"{"images":[{"url":"\#(Self.secretURL)","width":10},{"url":"\#(Self.secretURL)","width":20}]}"#
        let created = await api.send(.post, "/jobs", headers: WebAPIHarness.json, body: body)
        #expect(created.status == 202)
        let id = try #require((created.json["id"] as? String).flatMap(UUID.init(uuidString:)))
        let failure = "\(Self.secretURL) answered HTTP 403; check that the image URL is right and public"
        guard let record = try await api.store.job(id) else { throw HarnessError("job not stored") }
        _ = try await api.store.record(
            ResizeOutcome(
                jobID: id, imageID: record.images[1].id, startedAt: Date(), finishedAt: Date(),
                error: ImageFailure(code: "http_status", message: failure)), output: nil)
        let answers = [created, await api.get("/jobs/\(id.lowercased)"), await api.get("/jobs"), await api.get("/job/\(id.lowercased)")]
        for answer in answers {
            #expect(
                answer.text.contains("REDACTED@img.example/a.jpg?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&w=1")
                    || answer.text.contains(#"REDACTED@img.example\/a.jpg?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&w=1"#),
                "\(answer.text)")
            for secret in Self.secrets { #expect(!answer.text.contains(secret), "\(secret) in \(answer.text)") }
        }
        // What the workers are sent is the URL as given: only what is shown is redacted.
        #expect(await api.publisher.published.map(\.spec.url) == [Self.secretURL, Self.secretURL])
    }

    /// The 2017 `POST /resize` ignored `operation`; `POST /jobs` still takes only "resize".
    @Test(arguments: [#""rotate""#, #""""#, "42", "null", #"{"a":1}"#])
    func originalAPIAcceptsAnyOperation(_ operation: String) async {
        let api = WebAPIHarness()
        let body = #"{"images":[{"input":"http://img.example/a.jpg","width":300,"operation":\#(operation)}]}"#
        #expect(await api.send(.post, "/resize", headers: WebAPIHarness.json, body: body).status == 202)
        let jobs = await api.send(.post, "/jobs", headers: WebAPIHarness.json, body: body)
        #expect(jobs.status == 422 && jobs.fields == ["images[0].operation"])
    }
}
