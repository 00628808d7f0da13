import Foundation
import Logging
import MsgFlo
import Primitives

/// Settings both connection threads share.
struct AMQPConnectionSettings: Sendable {
    var url: BrokerURL
    var heartbeat: Int
    var connectTimeout: Duration
    var backoff: Backoff
    var role: String
}

/// The one thread that owns one rabbitmq-c connection.
///
/// It connects (retrying with backoff, one log line per failed attempt), runs
/// the commands async Swift posts to its inbox, services the socket (frames,
/// heartbeats), and on any connection loss starts over with a new connection
/// generation. Subclasses say what to do on connect, per command and per turn.
///
/// Unchecked Sendable (subclasses too): every stored `var` is confined to
/// the connection's thread; other threads only post to `inbox` (locked) and
/// read the `let`s.
class AMQPConnectionThread: @unchecked Sendable {
    let settings: AMQPConnectionSettings
    let declarations: AMQPDeclarationLog
    let inbox = ThreadInbox<AMQPCommand>()
    var logger: Logger

    /// The live connection, nil while (re)connecting.
    private(set) var connection: AMQPConnection?
    /// Increases with every new connection; settlements of older generations are dropped.
    private(set) var generation = 0
    /// Set once shutdown was asked for.
    var stopping = false
    private var shutdownReplies: [CheckedContinuation<Void, Never>] = []
    private var connectWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Topology requests that arrived while disconnected.
    private var pendingTopology: [([AMQPOperation], CheckedContinuation<Void, any Error>)] = []

    init(settings: AMQPConnectionSettings, declarations: AMQPDeclarationLog, logger: Logger) {
        self.settings = settings
        self.declarations = declarations
        self.logger = logger
        self.logger[metadataKey: "amqp.connection"] = "\(settings.role)"
    }

    func start() {
        let name = "amqp-\(settings.role)"
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    // MARK: Hooks for subclasses

    /// Channels, confirm mode, consumers: whatever the role needs on a fresh connection.
    func setUp(_ connection: AMQPConnection) throws(AMQPFailure) {}
    /// A command other than the common ones; `connection` is nil while disconnected.
    func handle(_ command: AMQPCommand, connection: AMQPConnection?) throws(AMQPFailure) {}
    /// One turn of socket work; returns true when more work is ready right away.
    func pump(_ connection: AMQPConnection) throws(AMQPFailure) -> Bool { false }
    /// Per-turn housekeeping that also runs while disconnected (deadlines).
    func tick(now: ContinuousClock.Instant) {}
    /// The next instant `tick` has something to do, if any.
    var nextDeadline: ContinuousClock.Instant? { nil }
    /// The connection died; forget its channels and deliveries.
    func connectionLost() {}
    /// True once a shutdown may close the connection (outstanding work done).
    var readyToClose: Bool { true }
    /// The thread is ending: fail whatever is still waiting.
    func finish() {}

    // MARK: The loop

    private func run() {
        var reconnect = ReconnectBackoff(backoff: settings.backoff)
        let endpoints = settings.url.endpoints
        var rotation = FailoverRotation(count: endpoints.count)
        while !stopping {
            let node = settings.url.at(endpoints[rotation.current])
            let opened: AMQPConnection
            do {
                opened = try AMQPConnection(
                    url: node, heartbeat: settings.heartbeat,
                    connectTimeout: settings.connectTimeout)
            } catch {
                if case .refused(let refusal) = error, generation == 0 {
                    // Never connected: a refused login is the caller's configuration, not a blip.
                    connectWaiters.forEach { $0.resume(throwing: refusal) }
                    connectWaiters = []
                }
                attemptFailed("cannot connect to \(node): \(error)", rotation: &rotation, reconnect: &reconnect, endpoints: endpoints)
                continue
            }
            do {
                try opened.openChannel(Self.topologyChannel)
                try restoreDeclarations(opened)
                try setUp(opened)
            } catch {
                opened.abandon()
                connectionLost()
                attemptFailed(
                    "cannot set up the connection to \(node): \(error)", rotation: &rotation, reconnect: &reconnect, endpoints: endpoints)
                continue
            }
            let connectedAt = ContinuousClock.now
            generation += 1
            connection = opened
            rotation.connected()
            logger.info("connected to \(node)")
            connectWaiters.forEach { $0.resume() }
            connectWaiters = []
            do {
                try serve(opened)
                opened.close()
                connection = nil
            } catch {
                opened.abandon()
                connection = nil
                connectionLost()
                rotation.connectionLost()
                // A connection that dropped soon after it opened is retried with backoff, not at once.
                let delay = reconnect.connectionLost(after: ContinuousClock.now - connectedAt)
                if !stopping {
                    let next = endpoints.count > 1 ? " to \(endpoints[rotation.current])" : ""
                    logger.warning("lost connection to \(node): \(error); reconnecting\(next) in \(Self.format(delay))")
                    if delay > .zero { idle(until: .now + delay) }
                }
            }
        }
        inbox.close()
        for command in inbox.take() { dispatch(command, connection: nil) }
        finish()
        for (_, reply) in pendingTopology {
            reply.resume(throwing: TransportError.amqpClosed(settings.url, "the request ran"))
        }
        pendingTopology = []
        for waiter in connectWaiters { waiter.resume(throwing: CancellationError()) }
        connectWaiters = []
        connection = nil
        logger.debug("connection thread ended")
        shutdownReplies.forEach { $0.resume() }
    }

    /// One failed attempt: the next node at once while some node of the URL
    /// is untried, else the backoff's delay.
    private func attemptFailed(
        _ reason: String, rotation: inout FailoverRotation, reconnect: inout ReconnectBackoff, endpoints: [BrokerURL.Endpoint]
    ) {
        let delay = rotation.delayAfterFailedAttempt(&reconnect)
        guard delay > .zero else {
            logger.error("\(reason); trying \(endpoints[rotation.current])")
            return
        }
        logger.error("\(reason); retrying in \(Self.format(delay))")
        idle(until: .now + delay)
    }

    /// Connected: commands, socket work and sleeping until there is more.
    private func serve(_ connection: AMQPConnection) throws(AMQPFailure) {
        while !pendingTopology.isEmpty {
            let (operations, reply) = pendingTopology.removeFirst()
            try runTopology(operations, reply: reply, on: connection)
        }
        while true {
            let commands = inbox.take()
            for (index, command) in commands.enumerated() {
                do throws(AMQPFailure) {
                    try dispatchConnected(command, connection)
                } catch {
                    // The connection died: the commands after this one wait for the next.
                    self.connection = nil
                    for rest in commands[(index + 1)...] { dispatch(rest, connection: nil) }
                    throw error
                }
            }
            tick(now: .now)
            if stopping && readyToClose { return }
            let busy = try pump(connection)
            if busy || connection.hasBufferedInput { continue }
            inbox.wait(socket: connection.socketDescriptor, timeout: sleepBound(maximum: .seconds(1)))
        }
    }

    /// Disconnected: keep taking commands (deadlines, shutdown) until `instant`.
    private func idle(until instant: ContinuousClock.Instant) {
        while !stopping {
            for command in inbox.take() { dispatch(command, connection: nil) }
            tick(now: .now)
            if stopping { return }
            let now = ContinuousClock.now
            if now >= instant { return }
            inbox.wait(socket: nil, timeout: min(instant - now, sleepBound(maximum: .seconds(1))))
        }
    }

    private func sleepBound(maximum: Duration) -> Duration {
        var bound = settings.url.scheme.usesTLS ? .milliseconds(20) : maximum
        if let deadline = nextDeadline { bound = min(bound, max(.zero, deadline - .now)) }
        return bound
    }

    private func dispatchConnected(_ command: AMQPCommand, _ connection: AMQPConnection) throws(AMQPFailure) {
        switch command {
        case .topology(let operations, let reply):
            try runTopology(operations, reply: reply, on: connection)
        default:
            try handleCommon(command, connection: connection)
        }
    }

    /// A command while disconnected (a connection failure cannot happen here).
    private func dispatch(_ command: AMQPCommand, connection: AMQPConnection?) {
        if case .topology(let operations, let reply) = command {
            if stopping {
                reply.resume(throwing: TransportError.amqpClosed(settings.url, "the request ran"))
            } else {
                pendingTopology.append((operations, reply))
            }
            return
        }
        try? handleCommon(command, connection: nil)
    }

    private func handleCommon(_ command: AMQPCommand, connection: AMQPConnection?) throws(AMQPFailure) {
        switch command {
        case .awaitConnected(let reply):
            if self.connection != nil { reply.resume() } else { connectWaiters.append(reply) }
        case .cancelConnectWaiters:
            connectWaiters.forEach { $0.resume(throwing: CancellationError()) }
            connectWaiters = []
        case .shutdown(let reply):
            stopping = true
            shutdownReplies.append(reply)
        default:
            try handle(command, connection: connection)
        }
    }

    /// Channel 2 of either connection carries topology, so a refused
    /// declaration (406) never closes the publishing or consuming channels.
    static let topologyChannel: UInt16 = 2

    private func runTopology(
        _ operations: [AMQPOperation], reply: CheckedContinuation<Void, any Error>,
        on connection: AMQPConnection
    ) throws(AMQPFailure) {
        do throws(AMQPFailure) {
            for operation in operations {
                do throws(AMQPFailure) {
                    try connection.perform(operation, channel: Self.topologyChannel)
                } catch .channel(let code, let text) {
                    try connection.openChannel(Self.topologyChannel)
                    reply.resume(
                        throwing: AMQPReplyCode.error(
                            code, text: text, doing: operation.summary,
                            url: settings.url, queue: operation.name))
                    return
                }
            }
            declarations.record(operations)
            reply.resume()
        } catch {
            // Connection lost: run it again, first, on the next connection.
            pendingTopology.insert((operations, reply), at: 0)
            throw error
        }
    }

    /// Declares again, on the topology channel, everything declared before.
    func restoreDeclarations(_ connection: AMQPConnection) throws(AMQPFailure) {
        for operation in declarations.snapshot {
            do throws(AMQPFailure) {
                try connection.perform(operation, channel: Self.topologyChannel)
            } catch .channel(_, let text) {
                logger.warning("could not restore \(operation.summary) after reconnecting: \(text)")
                try connection.openChannel(Self.topologyChannel)
            }
        }
    }

    /// "2 s", "1.5 s", "12 s": whole seconds from 10 s up, else one decimal dropped when zero.
    static func format(_ delay: Duration) -> String {
        let tenths = (delay.seconds * 10).rounded()
        if tenths >= 100 || tenths.truncatingRemainder(dividingBy: 10) == 0 {
            return "\(Int((delay.seconds).rounded())) s"
        }
        return "\(Int(tenths) / 10).\(Int(tenths) % 10) s"
    }
}
