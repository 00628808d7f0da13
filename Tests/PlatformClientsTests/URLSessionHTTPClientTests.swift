import Foundation
import HTTPServer
import Logging
import PlatformClients
import Testing

@Suite("URLSessionHTTPClient over a real socket", .timeLimit(.minutes(1)))
struct URLSessionHTTPClientTests {
    /// Echoes what arrived: method, one header and the body.
    static func echoServer() throws -> (HTTPServer, Int) {
        var router = Router()
        for method in [HTTPMethod.get, .put, .patch, .delete] {
            router.add(method, "/echo/:word") { request in
                HTTPResponse(status: HTTPStatus(code: request.method == .put ? 201 : 200),
                             headers: ["Content-Type": "text/plain", "X-Method": request.method.rawValue,
                                       "X-Auth": request.headers["Authorization"] ?? "-", "X-Word": request.pathParameters["word"] ?? "-"],
                             body: request.body)
            }
        }
        router.get("/guarded") { _ in
            HTTPResponse(status: .unauthorized, headers: ["WWW-Authenticate": #"Basic realm="RabbitMQ Management""#,
                                                         "Content-Type": "application/json"],
                         body: Array(#"{"error":"not_authorised","reason":"Login failed"}"#.utf8))
        }
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = false
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = HTTPServer(configuration: configuration, router: router, logger: logger)
        return (server, try server.start())
    }

    @Test func sendsMethodHeadersAndBodyAndReadsTheAnswer() async throws {
        let (server, port) = try Self.echoServer()
        defer { server.shutdown() }
        let client = URLSessionHTTPClient(timeout: 10)
        let response = try await client.send(HTTPClientRequest(
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
        let (server, port) = try Self.echoServer()
        defer { server.shutdown() }
        let client = URLSessionHTTPClient(timeout: 10)
        for _ in 0..<2 {
            let response = try await client.send(HTTPClientRequest(
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
