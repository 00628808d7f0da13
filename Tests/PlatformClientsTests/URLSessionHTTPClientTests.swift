import Foundation
import PlatformClients
import TestSupport
import Testing

@Suite("URLSessionHTTPClient over a real socket", .timeLimit(.minutes(1)), .logsOnFailure)
struct URLSessionHTTPClientTests {
    /// Echoes what arrived on /echo/WORD: method, one header, the word and the
    /// body; /guarded answers RabbitMQ's 401 with its challenge.
    static func echoServer() throws -> TestHTTPServer {
        try TestHTTPServer { request in
            let segments = request.path.split(separator: "/").map(String.init)
            if request.path == "/guarded" {
                return TestHTTPResponse(
                    status: 401,
                    headers: [
                        "WWW-Authenticate": #"Basic realm="RabbitMQ Management""#,
                        "Content-Type": "application/json",
                    ],
                    body: #"{"error":"not_authorised","reason":"Login failed"}"#)
            }
            guard segments.count == 2, segments[0] == "echo" else { return TestHTTPResponse(status: 404) }
            return TestHTTPResponse(
                status: request.method == "PUT" ? 201 : 200,
                headers: [
                    "Content-Type": "text/plain", "X-Method": request.method,
                    "X-Auth": request.header("Authorization") ?? "-",
                    "X-Word": segments[1].removingPercentEncoding ?? "-",
                ],
                data: request.body)
        }
    }

    @Test func sendsMethodHeadersAndBodyAndReadsTheAnswer() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let port = server.port
        let client = URLSessionHTTPClient(timeout: 10)
        let response = try await client.send(
            HTTPClientRequest(
                method: "PUT", url: URL(string: "http://127.0.0.1:\(port)/echo/a%20b")!,
                headers: ["Authorization": "Basic eDp5", "Content-Type": "application/json"], body: Data(#"{"n":1}"#.utf8)))
        #expect(response.status == 201)
        #expect(response.headers["x-method"] == "PUT")
        #expect(response.headers["x-auth"] == "Basic eDp5")
        #expect(response.headers["x-word"] == "a b")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"n":1}"#)
        let missing = try await client.send(HTTPClientRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/nothing")!))
        #expect(missing.status == 404)
    }

    /// RabbitMQ's 401 asks for credentials; URLSession on Linux would wait for
    /// an answer to that challenge forever.
    @Test func aChallengingUnauthorizedIsAnAnswerNotAHang() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let port = server.port
        let client = URLSessionHTTPClient(timeout: 10)
        for _ in 0..<2 {
            let response = try await client.send(
                HTTPClientRequest(
                    method: "GET", url: URL(string: "http://127.0.0.1:\(port)/guarded")!, headers: ["Authorization": "Basic eDp5"]))
            #expect(response.status == 401)
            #expect(response.headers["www-authenticate"] == #"Basic realm="RabbitMQ Management""#)
        }
        // The session still works after a refused challenge.
        let after = try await client.send(HTTPClientRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/echo/ok")!))
        #expect(after.status == 200)
    }

    @Test func noListenerIsAnErrorWithoutCredentials() async {
        let client = URLSessionHTTPClient(timeout: 10)
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPClientRequest(method: "GET", url: URL(string: "http://user:secret@127.0.0.1:1/api")!))
        }
        #expect(error?.url == "http://127.0.0.1:1/api")
        #expect(error?.description.contains("secret") == false)
    }
}
