import Foundation

extension HTTPServer {
    /// Where handler tasks run.
    public enum HandlerExecution: Sendable {
        /// On the connection's event-loop thread (a task executor preference): no
        /// thread hop per request, the lowest latency. Handlers that await stay
        /// harmless; a handler that blocks or computes for long stalls every
        /// connection of its loop, so such work must move to its own thread.
        case eventLoop
        /// On Swift's shared concurrent pool, one hop away from the loop.
        case globalPool
    }

    /// Every limit and timeout of the server. The defaults suit a public-facing API
    /// service; tests shrink them to exercise each limit quickly.
    public struct Configuration: Sendable {
        /// Address to bind: nil listens on every IPv6 and IPv4 address (dual stack).
        public var host: String?
        /// Port to bind; 0 picks a free port (read it from `HTTPServer.port`).
        public var port: Int
        /// Event-loop threads; the default is one per core.
        public var eventLoopCount: Int
        public var backlog: Int32
        /// Longest request line (method, target, version); longer is answered 414.
        public var maxRequestLineLength: Int
        /// Largest header section (or trailer section); larger is answered 431.
        public var maxHeaderBytes: Int
        /// Most header fields in one request; more is answered 431.
        public var maxHeaderCount: Int
        /// Largest request body; larger is answered 413, before reading it when the
        /// length is announced.
        public var maxBodyBytes: Int
        /// Most open connections; past it new ones get 503 with Retry-After and are closed.
        public var maxConnections: Int
        public var retryAfterSeconds: Int
        /// How long a keep-alive connection may wait for its next request.
        public var idleTimeout: Duration
        /// How long a client may take to send a complete head, counted from its first
        /// byte (or from accept for the first request); then 408 and close.
        public var headerReadTimeout: Duration
        /// How long a client may take to send the body after the head; then 408 and close.
        public var bodyReadTimeout: Duration
        /// How long a client may stall reading a response before it is dropped.
        public var writeTimeout: Duration
        /// On shutdown, how long in-flight requests may run before connections are cut.
        public var shutdownGracePeriod: Duration
        /// Largest WebSocket message (all fragments); larger closes with 1009.
        public var maxWebSocketMessageBytes: Int
        /// Most bytes sent to one WebSocket peer and not yet taken by it; a send
        /// beyond closes the connection with 1008 (policy violation) and fails
        /// (a single larger message still goes to a peer with nothing unread).
        /// A peer that stops reading therefore costs at most this much memory,
        /// and the handler learns at once (its send throws) instead of queueing
        /// forever for it.
        public var maxWebSocketSendBacklogBytes: Int
        /// How long a WebSocket peer may stay silent before the server pings it; a
        /// peer silent for another interval after the ping is disconnected (it
        /// vanished without closing). nil never pings.
        public var webSocketPingInterval: Duration?
        /// Whether to log one line per request at info level.
        public var accessLog: Bool
        public var handlerExecution: HandlerExecution

        public init(
            host: String? = nil,
            port: Int = Configuration.portFromEnvironment(),
            eventLoopCount: Int = ProcessInfo.processInfo.activeProcessorCount,
            backlog: Int32 = 1024,
            maxRequestLineLength: Int = 8 * 1024,
            maxHeaderBytes: Int = 32 * 1024,
            maxHeaderCount: Int = 100,
            maxBodyBytes: Int = 10 * 1024 * 1024,
            maxConnections: Int = 10_000,
            retryAfterSeconds: Int = 1,
            idleTimeout: Duration = .seconds(60),
            headerReadTimeout: Duration = .seconds(10),
            bodyReadTimeout: Duration = .seconds(30),
            writeTimeout: Duration = .seconds(30),
            shutdownGracePeriod: Duration = .seconds(25),
            maxWebSocketMessageBytes: Int = 1024 * 1024,
            maxWebSocketSendBacklogBytes: Int = 8 * 1024 * 1024,
            webSocketPingInterval: Duration? = .seconds(30),
            accessLog: Bool = true,
            handlerExecution: HandlerExecution = .eventLoop
        ) {
            self.host = host
            self.port = port
            self.eventLoopCount = max(1, eventLoopCount)
            self.backlog = backlog
            self.maxRequestLineLength = maxRequestLineLength
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
            self.maxConnections = maxConnections
            self.retryAfterSeconds = retryAfterSeconds
            self.idleTimeout = idleTimeout
            self.headerReadTimeout = headerReadTimeout
            self.bodyReadTimeout = bodyReadTimeout
            self.writeTimeout = writeTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
            self.maxWebSocketMessageBytes = maxWebSocketMessageBytes
            self.maxWebSocketSendBacklogBytes = max(1, maxWebSocketSendBacklogBytes)
            self.webSocketPingInterval = webSocketPingInterval
            self.accessLog = accessLog
            self.handlerExecution = handlerExecution
        }

        /// `PORT` from the environment (12-factor), else 8080.
        public static func portFromEnvironment() -> Int {
            ProcessInfo.processInfo.environment["PORT"].flatMap { Int($0) } ?? 8080
        }

        var parserLimits: HTTPRequestParser.Limits {
            .init(
                maxRequestLineLength: maxRequestLineLength, maxHeaderBytes: maxHeaderBytes,
                maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes)
        }
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
