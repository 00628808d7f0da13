/// Maps method + path to handlers. Built once before the server starts, then only
/// read, so it is a value shared by every event loop without locks.
public struct Router: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// Runs for the life of an accepted WebSocket; the socket closes when it returns.
    public typealias WebSocketHandler = @Sendable (HTTPRequest, WebSocket) async throws -> Void

    enum Endpoint: Sendable {
        case http(Handler)
        case webSocket(subprotocols: [String], WebSocketHandler)

        var isWebSocket: Bool {
            if case .webSocket = self { true } else { false }
        }
    }

    struct Route: Sendable {
        var method: HTTPMethod
        var pattern: RoutePattern
        var endpoint: Endpoint
    }

    enum Match: Sendable {
        case found(Endpoint, parameters: [String: String])
        case methodNotAllowed(allow: [String])
        case notFound
    }

    private(set) var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: RoutePattern(path), endpoint: .http(handler)))
    }

    public mutating func get(_ path: String, _ handler: @escaping Handler) { add(.get, path, handler) }
    public mutating func post(_ path: String, _ handler: @escaping Handler) { add(.post, path, handler) }
    public mutating func put(_ path: String, _ handler: @escaping Handler) { add(.put, path, handler) }
    public mutating func patch(_ path: String, _ handler: @escaping Handler) { add(.patch, path, handler) }
    public mutating func delete(_ path: String, _ handler: @escaping Handler) { add(.delete, path, handler) }

    /// A WebSocket endpoint (GET + Upgrade). `subprotocols` lists, in order of
    /// preference, the ones the server speaks; a client offering only others is refused.
    public mutating func webSocket(
        _ path: String, subprotocols: [String] = [],
        _ handler: @escaping WebSocketHandler
    ) {
        routes.append(
            Route(
                method: .get, pattern: RoutePattern(path),
                endpoint: .webSocket(subprotocols: subprotocols, handler)))
    }

    /// Finds the endpoint for a request; HEAD falls back to GET. A path may
    /// have both a page (GET) and a WebSocket: an upgrade request gets the
    /// WebSocket, any other GET the page (an FBP runtime serves both at `/`).
    func match(method: HTTPMethod, path: String, upgrade: Bool = false) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [String] = []
        var headFallback: (Endpoint, [String: String])?
        var otherKind: (Endpoint, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if route.method == method {
                if route.endpoint.isWebSocket == upgrade { return .found(route.endpoint, parameters: parameters) }
                if otherKind == nil { otherKind = (route.endpoint, parameters) }
                continue
            }
            if method == .head && route.method == .get && headFallback == nil, case .http = route.endpoint {
                headFallback = (route.endpoint, parameters)
            }
            if !allowed.contains(route.method.rawValue) { allowed.append(route.method.rawValue) }
            if route.method == .get, case .http = route.endpoint, !allowed.contains("HEAD") { allowed.append("HEAD") }
        }
        if let (endpoint, parameters) = otherKind { return .found(endpoint, parameters: parameters) }
        if let (endpoint, parameters) = headFallback, case .http = endpoint {
            return .found(endpoint, parameters: parameters)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allow: allowed)
    }
}
