import Foundation
import Guv
import HTTPServer
import PlatformClients
import Synchronization

/// An HTTPClient that answers through `Router.respond(to:)`: guv's clients
/// against routes in-process, no socket. Keeps every request it passed on.
final class RouterHTTPClient: HTTPClient, Sendable {
    let router: Router
    private let recorded = Mutex<[HTTPClientRequest]>([])

    init(_ router: Router) { self.router = router }

    func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        recorded.withLock { $0.append(request) }
        var target = request.url.path.isEmpty ? "/" : request.url.path
        if let query = request.url.query { target += "?" + query }
        var requestHeaders = HTTPHeaders(request.headers.map { ($0.key, $0.value) })
        // As any HTTP client does: the address it was given.
        if requestHeaders["Host"] == nil, let host = request.url.host {
            requestHeaders.add("Host", request.url.port.map { "\(host):\($0)" } ?? host)
        }
        let serverRequest = HTTPRequest(
            method: HTTPMethod(request.method), target: target, headers: requestHeaders, body: Array(request.body ?? Data()))
        let response = await router.respond(to: serverRequest)
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name] = field.value }
        return HTTPClientResponse(status: response.status.code, headers: headers, body: Data(response.body))
    }

    var requests: [HTTPClientRequest] { recorded.withLock { $0 } }
    var bodies: [String] { requests.map { String(decoding: $0.body ?? Data(), as: UTF8.self) } }
}
