import Foundation
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 + WebSocket server on non-blocking POSIX sockets and epoll.
///
/// A fixed number of event-loop threads do all socket I/O; handlers run as Swift
/// tasks, so a slow handler holds only its own connection. Lifecycle: `start()`
/// binds (port 0 picks a free port, see `port`), `run()` serves until `shutdown()`,
/// a graceful shutdown of its `ServiceGroup` (SIGTERM) or cancellation, then
/// drains (in-flight requests finish within `shutdownGracePeriod`) and returns.
///
/// ```swift
/// var router = Router()
/// router.get("/jobs/:id") { request in
///     try .json(Job(id: request.pathParameters["id"] ?? ""))
/// }
/// router.webSocket("/", subprotocols: ["noflo"]) { request, socket in
///     for await message in socket.messages { try await socket.send(message) }
/// }
/// let server = HTTPServer(configuration: .init(), router: router, logger: logger)
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()          // returns after SIGTERM and the drain
/// ```
public final class HTTPServer: Service, Sendable {
    public let configuration: Configuration
    public let logger: Logger
    let router: Router
    let requestIdPrefix: String

    private struct State {
        var loops: [EventLoop] = []
        var listeners: [Int32] = []
        var port: Int?
        var started = false
        var stopping = false
        var stopped = false
        var releasedLoops = 0
        var finishedLoops = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let openConnections = Mutex(0)

    public init(
        configuration: Configuration = Configuration(), router: Router,
        logger: Logger = Logger(label: "http")
    ) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.requestIdPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// The bound port once started; with `port: 0` this is the one the OS picked.
    public var port: Int? { state.withLock { $0.port } }

    /// Connections currently open (not counting refused ones).
    public var connectionCount: Int { openConnections.withLock { $0 } }

    /// Binds the listening socket(s) and starts the event loops; returns the port.
    @discardableResult
    public func start() throws -> Int {
        try state.withLock { state -> Int in
            if let port = state.port { return port }
            guard !state.stopping else { throw SocketError("start after shutdown", code: ECANCELED) }
            signal(SIGPIPE, SIG_IGN)
            let (fds, port) = try PosixSocket.listen(
                host: configuration.host, port: configuration.port,
                backlog: configuration.backlog)
            var loops: [EventLoop] = []
            for index in 0..<configuration.eventLoopCount {
                loops.append(try EventLoop(index: index, server: self, listeners: fds))
            }
            state.loops = loops
            state.listeners = fds
            state.port = port
            state.started = true
            for loop in loops {
                let thread = Thread { loop.run() }
                thread.name = "http-loop-\(loop.index)"
                thread.start()
            }
            logger.info("listening on port \(port) (\(fds.count) socket(s), \(loops.count) event loop(s))")
            return port
        }
    }

    /// Serves until shut down; returns once every connection is closed. A
    /// graceful shutdown (of the `ServiceGroup` it runs in) or cancellation of
    /// the calling task begins `shutdown()`: in-flight requests still finish.
    public func run() async throws {
        try start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await waitUntilStopped()
        } onCancelOrGracefulShutdown: { [self] in
            shutdown()
        }
    }

    /// Begins a graceful shutdown: stop accepting, close idle connections, let
    /// in-flight requests finish within the grace period. Returns at once; `run()`
    /// returns when the drain is complete. Safe to call more than once.
    public func shutdown() {
        let loops = state.withLock { state -> [EventLoop] in
            if state.stopping { return [] }
            state.stopping = true
            if !state.started {
                state.stopped = true
                let waiters = state.waiters
                state.waiters = []
                waiters.forEach { $0.resume() }
            }
            return state.loops
        }
        if !loops.isEmpty { logger.info("shutting down: draining \(connectionCount) connection(s)") }
        for loop in loops { loop.execute { loop.beginDrain() } }
    }

    /// Waits until a shutdown has completed.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.stopped { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: called by event loops

    func reserveConnection() -> Bool {
        openConnections.withLock { count in
            guard count < configuration.maxConnections else { return false }
            count += 1
            return true
        }
    }

    func releaseConnection() {
        openConnections.withLock { $0 -= 1 }
    }

    func listenersReleased() {
        let fds = state.withLock { state -> [Int32] in
            state.releasedLoops += 1
            guard state.releasedLoops == state.loops.count else { return [] }
            defer { state.listeners = [] }
            return state.listeners
        }
        for fd in fds { close(fd) }
    }

    func loopFinished() {
        let (last, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            state.finishedLoops += 1
            guard state.finishedLoops == state.loops.count else { return (false, []) }
            state.stopped = true
            state.loops = []
            for fd in state.listeners { close(fd) }
            state.listeners = []
            defer { state.waiters = [] }
            return (true, state.waiters)
        }
        if last { logger.info("stopped") }
        waiters.forEach { $0.resume() }
    }
}
