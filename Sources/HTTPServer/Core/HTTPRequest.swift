import Logging

/// A complete request as handed to a handler: the body is fully read (bounded by
/// `Configuration.maxBodyBytes`), so handlers never deal with partial input.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target as sent, e.g. `/jobs/42?wait=5`.
    public var target: String
    /// The path part of the target, still percent-encoded.
    public var path: String
    /// The raw query string after `?`, or nil.
    public var rawQuery: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Trailer fields of a chunked body.
    public var trailers: HTTPHeaders
    /// Values of the `:name` segments of the matched route, percent-decoded.
    public var pathParameters: [String: String]
    /// The client's `X-Request-Id` when it sent a usable one, else a generated id;
    /// echoed in the response and in every log line of the request.
    public var requestId: String
    /// `ip:port` of the peer.
    public var remoteAddress: String
    /// A logger with the request id in its metadata.
    public var logger: Logger
    /// Whether the client is still there, for handlers that wait long.
    public var client: ClientPresence

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], body: [UInt8] = [], trailers: HTTPHeaders = [:],
        requestId: String = "test", remoteAddress: String = "",
        logger: Logger = Logger(label: "http"), client: ClientPresence = ClientPresence()
    ) {
        self.method = method
        self.target = target
        (self.path, self.rawQuery) = Self.split(target: target)
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.pathParameters = [:]
        self.requestId = requestId
        self.remoteAddress = remoteAddress
        self.logger = logger
        self.client = client
        self.logger[metadataKey: "request-id"] = .string(requestId)
    }

    /// The query parameters, parsed on each access (most handlers never look).
    public var query: QueryParameters { QueryParameters(rawQuery ?? "") }

    /// Splits a target into path and query, reducing absolute-form to its path.
    static func split(target: String) -> (path: String, query: String?) {
        var rest = Substring(target)
        if !rest.hasPrefix("/") {
            if let scheme = rest.range(of: "://") {
                rest = rest[scheme.upperBound...]
                if let slash = rest.firstIndex(of: "/") {
                    rest = rest[slash...]
                } else if let question = rest.firstIndex(of: "?") {
                    return ("/", String(rest[rest.index(after: question)...]))
                } else {
                    return ("/", nil)
                }
            }
        }
        if let question = rest.firstIndex(of: "?") {
            return (String(rest[..<question]), String(rest[rest.index(after: question)...]))
        }
        return (String(rest), nil)
    }
}
