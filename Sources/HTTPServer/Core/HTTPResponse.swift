/// A response with its whole body in memory; the server adds Content-Length,
/// Connection and Date, so handlers set only what is theirs to decide.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set, the body is produced by this closure while it is being sent
    /// (chunked to HTTP/1.1 clients, until close to HTTP/1.0 ones) and `body` is
    /// ignored: for long or slowly produced bodies. If the closure throws, the
    /// connection is cut so the client sees an incomplete response, never a
    /// truncated one passed off as whole.
    public var bodyStream: (@Sendable (HTTPBodyWriter) async throws -> Void)?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A streamed response; see `bodyStream`.
    public init(
        status: HTTPStatus = .ok, headers: HTTPHeaders = [:],
        stream: @escaping @Sendable (HTTPBodyWriter) async throws -> Void
    ) {
        self.status = status
        self.headers = headers
        self.body = []
        self.bodyStream = stream
    }

    /// A `text/plain; charset=utf-8` response.
    public init(status: HTTPStatus = .ok, text: String, headers: HTTPHeaders = [:]) {
        var headers = headers
        if !headers.contains("Content-Type") { headers.add("Content-Type", "text/plain; charset=utf-8") }
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }
}
