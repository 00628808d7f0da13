import Foundation

/// What the platform clients need from the network: one request in, one
/// response out. A protocol so unit tests answer in-process (a stub, or a
/// `Router` of the HTTPServer module) and the real clients run on
/// `URLSessionHTTPClient`.
public protocol HTTPClient: Sendable {
    /// Sends the request and returns whatever status came back; throws only
    /// when no HTTP response arrived at all.
    func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse
}

/// A request as the clients build it: plain data, so tests compare it whole.
public struct HTTPClientRequest: Sendable, Equatable {
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

/// Status, headers (names lower-cased) and body of an answer.
public struct HTTPClientResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// The body as text, cut to `limit` characters, for error messages.
    public func bodyExcerpt(limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
