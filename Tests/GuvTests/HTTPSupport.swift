import Foundation
import Guv
import HTTPServer
import Logging
import PlatformClients

/// An HTTPClient that answers through `Router.respond(to:)`: guv's clients
/// against routes in-process, no socket. Keeps every request it passed on.
final class RouterHTTPClient: HTTPClient, @unchecked Sendable {
    let router: Router
    // `recorded` is guarded by `lock`.
    private let lock = NSLock()
    private var recorded: [HTTPClientRequest] = []

    init(_ router: Router) { self.router = router }

    func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        lock.withLock { recorded.append(request) }
        var target = request.url.path.isEmpty ? "/" : request.url.path
        if let query = request.url.query { target += "?" + query }
        let serverRequest = HTTPRequest(
            method: HTTPMethod(request.method), target: target,
            headers: HTTPHeaders(request.headers.map { ($0.key, $0.value) }), body: Array(request.body ?? Data()))
        let response = await router.respond(to: serverRequest)
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name] = field.value }
        return HTTPClientResponse(status: response.status.code, headers: headers, body: Data(response.body))
    }

    var requests: [HTTPClientRequest] { lock.withLock { recorded } }
    var bodies: [String] { requests.map { String(decoding: $0.body ?? Data(), as: UTF8.self) } }
}

/// guv's loopback server on a free port, for tests over a real socket.
struct RunningServer {
    let server: HTTPServer
    let port: Int
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    init(_ router: Router) throws {
        var logger = Logger(label: "guv.test.http")
        logger.logLevel = .warning
        server = LoopbackServer.make(router: router, port: 0, logger: logger)
        port = try server.start()
    }

    func stop() async {
        server.shutdown()
        await server.waitUntilStopped()
    }
}
