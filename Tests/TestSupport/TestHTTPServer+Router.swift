import Foundation
import HTTPServer
import Primitives

extension TestHTTPServer {
    /// Serves `router` through `Router.respond(to:)`: a real socket in front of
    /// routes when the test is about the client or the routes (guv's
    /// formation API driven by guv over HTTP), not about the HTTPServer module.
    /// Streamed bodies and WebSocket routes are not served (they need the
    /// real server's connection).
    public convenience init(router: Router) throws {
        try self.init { request, connection in
            let routed = HTTPRequest(
                method: HTTPMethod(request.method), target: request.target,
                headers: HTTPHeaders(request.headers.map { ($0.name, $0.value) }),
                body: Array(request.body))
            // The connection's own thread waits for the router, which runs on the
            // cooperative pool: a thread of the server, never one of the pool.
            let answer = LockedState<HTTPResponse?>(nil)
            let done = DispatchSemaphore(value: 0)
            Task {
                let response = await router.respond(to: routed)
                answer.withLock { $0 = response }
                done.signal()
            }
            done.wait()
            guard let response = answer.value, response.bodyStream == nil else {
                connection.respond(status: 501, body: Array("TestHTTPServer does not serve streamed bodies".utf8))
                return
            }
            var headers: [String: String] = [:]
            for field in response.headers where field.name.lowercased() != "content-length" {
                headers[field.name] = headers[field.name].map { "\($0), \(field.value)" } ?? field.value
            }
            connection.respond(status: response.status.code, headers: headers, body: response.body)
        }
    }
}
