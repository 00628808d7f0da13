import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP request as the API clients build it; plain data so tests can compare it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Status and body; the clients read nothing else.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data = Data()) {
        self.status = status
        self.body = body
    }
}

/// The one thing the API clients need from the network, so they can be pointed at
/// a stub listener, the local formation or the real services alike.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A network failure (no response at all), with the URL so the user knows which service.
public struct HTTPTransportError: Error, CustomStringConvertible {
    public var url: String
    public var reason: String
    public var description: String { "request to \(url) failed: \(reason); is the service running and the URL right?" }
}

/// One long-lived URLSession for all calls (connection reuse across iterations).
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    public init(timeout: TimeInterval = 15) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let session = self.session
        let url = request.url.absoluteString
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: urlRequest) { data, response, error in
                if let error {
                    continuation.resume(throwing: HTTPTransportError(url: url, reason: error.localizedDescription))
                } else if let http = response as? HTTPURLResponse {
                    continuation.resume(returning: HTTPResponse(status: http.statusCode, body: data ?? Data()))
                } else {
                    continuation.resume(throwing: HTTPTransportError(url: url, reason: "no HTTP response"))
                }
            }
            task.resume()
        }
    }
}
