import Foundation
import PlatformClients
import Synchronization

/// An HTTPClient that answers in-process with the test's function and keeps
/// every request, so clients are tested without a network.
final class StubHTTPClient: HTTPClient, Sendable {
    typealias Answer = @Sendable (HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse

    private let recorded = Mutex<[HTTPClientRequest]>([])
    private let answer: Answer

    init(_ answer: @escaping Answer) {
        self.answer = answer
    }

    /// Always the same status and body.
    convenience init(status: Int, json: String) {
        self.init { _ in HTTPClientResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(json.utf8)) }
    }

    func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        recorded.withLock { $0.append(request) }
        return try answer(request)
    }

    var requests: [HTTPClientRequest] { recorded.withLock { $0 } }
}
