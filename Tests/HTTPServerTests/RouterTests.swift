import Foundation
import TestSupport
import Testing

@testable import HTTPServer

@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct RouterTests {
    struct PatternCase: Sendable, CustomTestStringConvertible {
        let pattern: String
        let path: String
        let parameters: [String: String]?
        var testDescription: String { "\(pattern) ~ \(path)" }
    }

    static let patterns: [PatternCase] = [
        PatternCase(pattern: "/jobs/:id/images/:imageId", path: "/jobs/42/images/7", parameters: ["id": "42", "imageId": "7"]),
        PatternCase(pattern: "/jobs/:id/images/:imageId", path: "/jobs/42/images", parameters: nil),
        PatternCase(pattern: "/jobs/:id/images/:imageId", path: "/jobs/42/images/7/x", parameters: nil),
        PatternCase(pattern: "/jobs/:id", path: "/jobs/a%20b", parameters: ["id": "a b"]),
        PatternCase(pattern: "/jobs/:id", path: "/jobs/1/", parameters: ["id": "1"]),
        PatternCase(pattern: "/", path: "/", parameters: [:]),
        PatternCase(pattern: "/static/*", path: "/static/a/b/c", parameters: [:]),
        PatternCase(pattern: "/jobs", path: "/job", parameters: nil),
    ]

    @Test(arguments: patterns)
    func patternMatching(_ testCase: PatternCase) {
        let segments = testCase.path.split(separator: "/", omittingEmptySubsequences: true)
        #expect(RoutePattern(testCase.pattern).match(segments) == testCase.parameters)
    }

    func router() -> Router {
        var router = Router()
        router.get("/jobs/:id") { _ in HTTPResponse(text: "get") }
        router.delete("/jobs/:id") { _ in HTTPResponse(text: "delete") }
        router.post("/jobs") { _ in HTTPResponse(text: "post") }
        return router
    }

    @Test func notFoundVersusMethodNotAllowed() {
        let router = router()
        guard case .notFound = router.match(method: .get, path: "/nothing") else {
            Issue.record("expected 404")
            return
        }
        guard case .methodNotAllowed(let allow) = router.match(method: .put, path: "/jobs/1") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == ["GET", "HEAD", "DELETE"])
        guard case .found(_, let parameters) = router.match(method: .head, path: "/jobs/9") else {
            Issue.record("HEAD should fall back to GET")
            return
        }
        #expect(parameters == ["id": "9"])
    }

    @Test func queryParametersAreDecoded() {
        let request = HTTPRequest(method: .get, target: "/jobs/1?wait=5&name=a+b&enc=%41%2F&flag&wait=6")
        #expect(request.path == "/jobs/1")
        #expect(request.query["wait"] == "5")
        #expect(request.query.values("wait") == ["5", "6"])
        #expect(request.query["name"] == "a b")
        #expect(request.query["enc"] == "A/")
        #expect(request.query["flag"] == "")
        #expect(request.query["missing"] == nil)
        #expect(HTTPRequest(method: .get, target: "http://host:8080/p?q=1").path == "/p")
    }

    struct Job: Codable, Equatable {
        var url: String
        var sizes: [Int]
    }

    @Test func jsonBodyDecodesOrNamesTheProblem() throws {
        let good = HTTPRequest(method: .post, target: "/", body: Array(#"{"url":"u","sizes":[1,2]}"#.utf8))
        #expect(try good.decodeJSON(Job.self) == Job(url: "u", sizes: [1, 2]))

        let cases: [(String, String)] = [
            (#"{"sizes":[1]}"#, "missing field 'url'"),
            (#"{"url":"u","sizes":"x"}"#, "'sizes'"),
            ("not json", "not valid JSON"),
            ("", "empty"),
        ]
        for (body, fragment) in cases {
            let request = HTTPRequest(method: .post, target: "/", body: Array(body.utf8))
            do {
                _ = try request.decodeJSON(Job.self)
                Issue.record("decoding \(body) should fail")
            } catch {
                #expect(error.description.contains(fragment), "\(error.description)")
                #expect(error.httpError.status == .badRequest)
            }
        }
    }

    @Test func jsonResponseHasContentType() throws {
        let response = try HTTPResponse.json(Job(url: "u", sizes: []), status: .created)
        #expect(response.status.code == 201)
        #expect(response.headers["content-type"] == "application/json")
        #expect(try JSONDecoder().decode(Job.self, from: Data(response.body)) == Job(url: "u", sizes: []))
    }

    @Test func handlerErrorsBecomeResponses() async throws {
        var router = Router()
        router.get("/teapot") { _ in throw HTTPError(.init(code: 418), "short and stout") }
        router.get("/boom") { _ in throw CancellationError() }
        router.post("/decode") { request in
            let job = try request.decodeJSON(Job.self)
            return HTTPResponse(text: job.url)
        }
        try await withServer(router: router) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /teapot HTTP/1.1\r\nHost: x\r\n\r\n")
                let teapot = try client.readResponse()
                #expect(teapot.status == 418)
                #expect(teapot.text == #"{"error":{"code":"status_418","message":"short and stout"}}"#)
                try client.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 500)
                try client.send("POST /decode HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                let bad = try client.readResponse()
                #expect(bad.status == 400)
                #expect(bad.text.contains("missing field 'url'"))
            }
        }
    }
}
