import Foundation
import Logging
import MsgFlo
import Primitives
import Synchronization

/// MsgFlo over AMQP 0-9-1 (RabbitMQ), wire-compatible with msgflo-nodejs.
///
/// Two rabbitmq-c connections, each owned by its own thread: one publishes in
/// confirm mode (pipelined: publishes do not wait for each other's confirms),
/// one consumes (started on the first `consume`). Both reconnect by themselves
/// with capped, jittered backoff, declare again what was declared, and the
/// consumer connection resumes every consumer; unconfirmed publishes are sent
/// again (at-least-once) until `Configuration.publishTimeout`.
public final class AMQPTransport: MessageTransport, OptionsPublishing, BrokerAdmin, Sendable {
    /// Tuning knobs; the defaults suit a participant.
    public struct Configuration: Sendable {
        /// Heartbeat interval in seconds; the URL's `?heartbeat=` wins over this.
        public var heartbeat: Int = 10
        /// How long a publish may wait for its confirm, across reconnects, before failing.
        public var publishTimeout: Duration = .seconds(60)
        /// Prefetch of a participant that sets none (`TransportOptions.prefetch`).
        public var prefetch = TransportOptions.defaultPrefetch
        /// Time allowed for the TCP connect and the AMQP handshake.
        public var connectTimeout: Duration = .seconds(5)
        /// Delays between connection attempts.
        public var backoff = Backoff()
        /// Publishes on the wire without a confirm yet.
        public var maxPublishesInFlight = 1000
        /// How long `disconnect()` waits for running handlers to settle their messages.
        public var shutdownGrace: Duration = .seconds(10)
        /// The type of the inport queues declared (`TransportOptions.queueType`);
        /// nil: classic. A port's own `PortOptions.queueType` wins.
        public var queueType: QueueType?

        public init() {}

        /// The defaults with what `options` sets.
        public init(options: TransportOptions) {
            if let timeout = options.publishTimeout { publishTimeout = timeout }
            prefetch = options.prefetch
            queueType = options.queueType
        }
    }

    public let url: BrokerURL
    public let configuration: Configuration
    private let logger: Logger
    private let declarations = AMQPDeclarationLog()
    private let threads = Mutex(Threads())

    private struct Threads {
        var publisher: AMQPPublisherThread?
        var consumer: AMQPConsumerThread?
        var nextConsumerID = 1
    }

    /// Fails with `TransportError(.unsupportedURL)` for a non-AMQP URL.
    public init(
        url: BrokerURL, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "msgflo.amqp")
    ) throws(TransportError) {
        guard url.scheme == .amqp || url.scheme == .amqps else {
            throw TransportError(.unsupportedURL, "AMQPTransport needs an amqp:// or amqps:// URL, not \(url)", url: url.description)
        }
        self.url = url
        self.configuration = configuration
        self.logger = logger
    }

    public var options: TransportOptions {
        TransportOptions(publishTimeout: configuration.publishTimeout, prefetch: configuration.prefetch, queueType: configuration.queueType)
    }

    private func settings(role: String) -> AMQPConnectionSettings {
        AMQPConnectionSettings(
            url: url, heartbeat: url.heartbeat ?? configuration.heartbeat,
            connectTimeout: configuration.connectTimeout, backoff: configuration.backoff, role: role)
    }

    // MARK: Lifecycle

    /// Connects the publishing connection, retrying while the broker is
    /// unreachable. Throws `CancellationError` when cancelled, and a permanent
    /// `TransportError` (`.authenticationFailed`, `.accessRefused`, `.notFound`
    /// for a missing virtual host) when the broker refuses the login: retrying
    /// would not help. Either way the transport is disconnected.
    public func connect() async throws {
        let thread: AMQPPublisherThread = threads.withLock { threads in
            if let publisher = threads.publisher { return publisher }
            let created = AMQPPublisherThread(
                settings: settings(role: "publish"), declarations: declarations,
                logger: logger, maxInFlight: configuration.maxPublishesInFlight)
            threads.publisher = created
            created.start()
            return created
        }
        let url = url
        do {
            // Cancellation (SIGTERM) answers at once, even while the thread
            // is inside a connect attempt that takes up to `connectTimeout`.
            try await withPromptCancellation {
                try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
                    if !thread.inbox.post(.awaitConnected(reply)) {
                        reply.resume(throwing: TransportError.amqpClosed(url, "it connected"))
                    }
                }
            } onCancel: {
                thread.inbox.post(.cancelConnectWaiters)
            }
        } catch is CancellationError {
            // Do not wait for the threads to finish their attempt: they end on their own.
            let (publisher, consumer) = threads.withLock { threads in
                defer { (threads.publisher, threads.consumer) = (nil, nil) }
                return (threads.publisher, threads.consumer)
            }
            let abandoned: [AMQPConnectionThread] = [publisher, consumer].compactMap { $0 }
            for thread in abandoned { Task { await Self.shutdown(thread) } }
            throw CancellationError()
        } catch {
            await disconnect()
            throw error
        }
    }

    /// Stops consumers (letting running handlers settle within `shutdownGrace`),
    /// waits for unconfirmed publishes, and closes both connections.
    public func disconnect() async {
        let (publisher, consumer) = threads.withLock { threads in
            defer {
                threads.publisher = nil
                threads.consumer = nil
            }
            return (threads.publisher, threads.consumer)
        }
        if let consumer { await Self.shutdown(consumer) }
        if let publisher { await Self.shutdown(publisher) }
    }

    private static func shutdown(_ thread: AMQPConnectionThread) async {
        await withCheckedContinuation { (reply: CheckedContinuation<Void, Never>) in
            if !thread.inbox.post(.shutdown(reply)) { reply.resume() }
        }
    }

    // MARK: Requests to the threads

    private func connectedPublisher() throws(TransportError) -> AMQPPublisherThread {
        guard let publisher = threads.withLock({ $0.publisher }) else {
            throw TransportError.amqpNotConnected(url)
        }
        return publisher
    }

    private func send(
        _ thread: AMQPConnectionThread,
        _ command: (CheckedContinuation<Void, any Error>) -> AMQPCommand
    ) async throws {
        try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
            if !thread.inbox.post(command(reply)) {
                reply.resume(throwing: TransportError.amqpClosed(self.url, "the request ran"))
            }
        }
    }

    private func run(_ operations: [AMQPOperation]) async throws {
        let thread = try connectedPublisher()
        try await send(thread) { .topology(operations, $0) }
    }

    // MARK: MessageTransport

    /// When the queue exists as the other type (made by `msgflo setup` from
    /// the graph's `queueType`, or by an earlier deployment), the participant
    /// follows the broker: it declares the queue as the type it has and logs
    /// that its own setting differs, instead of failing to start. The queue's
    /// type is the operator's decision; a worker only needs its queue.
    public func declareInport(queue: String, options: PortOptions) async throws {
        do {
            try await run(AMQPOperation.inport(queue: queue, options: options, defaultType: configuration.queueType))
        } catch let error as TransportError where error.code == .preconditionFailed {
            guard let clash = QueueTypeClash(replyText: error.message) else { throw error }
            logger.warning(
                "queue is a \(clash.existing) queue on the broker; declaring it as one (this process asked for \(clash.requested))",
                metadata: ["queue": "\(queue)"])
            var adopted = options
            adopted.queueType = clash.existing
            try await run(AMQPOperation.inport(queue: queue, options: adopted))
        }
    }

    public func declareQueue(_ name: String, options: PortOptions) async throws {
        try await run(AMQPOperation.plainQueue(name, options: options))
    }

    public func declareOutport(exchange: String, options: PortOptions) async throws {
        try await run(AMQPOperation.outport(exchange: exchange, options: options))
    }

    public func publish(exchange: String, body: Data) async throws {
        try await publish(AMQPOutgoing(exchange: exchange, routingKey: "", body: body))
    }

    public func publish(queue: String, body: Data) async throws {
        try await publish(AMQPOutgoing(exchange: "", routingKey: queue, body: body))
    }

    /// `mandatory`: the broker returns a message no queue takes, and the
    /// publish throws `.unroutable`. `deliveries`: the `x-msgflo-deliveries` header.
    public func publish(exchange: String, body: Data, options: PublishOptions) async throws {
        try await publish(
            AMQPOutgoing(exchange: exchange, routingKey: "", body: body, mandatory: options.mandatory, deliveries: options.deliveries))
    }

    public func publish(queue: String, body: Data, options: PublishOptions) async throws {
        try await publish(
            AMQPOutgoing(exchange: "", routingKey: queue, body: body, mandatory: options.mandatory, deliveries: options.deliveries))
    }

    /// All of `bodies` to `exchange`, pipelined as one request: returns once
    /// every message is confirmed, throws the first failure.
    public func publish(exchange: String, bodies: [Data], options: PublishOptions) async throws {
        guard !bodies.isEmpty else { return }
        let messages = bodies.map {
            AMQPOutgoing(exchange: exchange, routingKey: "", body: $0, mandatory: options.mandatory, deliveries: options.deliveries)
        }
        let thread = try connectedPublisher()
        let deadline = ContinuousClock.now + configuration.publishTimeout
        try await send(thread) { .publish(messages, deadline: deadline, $0) }
    }

    private func publish(_ message: AMQPOutgoing) async throws {
        let thread = try connectedPublisher()
        let deadline = ContinuousClock.now + configuration.publishTimeout
        try await send(thread) { .publish([message], deadline: deadline, $0) }
    }

    public func consume(
        queue: String, prefetch: Int,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        try await startConsumer(queue: queue, prefetch: prefetch, tap: nil, handler: handler)
    }

    /// A watcher's queue lives on the consuming connection (exclusive queues
    /// belong to the connection that declared them), on the tap's own channel,
    /// consumed without acknowledgements: copies nobody needs redelivered cost
    /// the broker and this process less, and a watcher that falls behind only
    /// lets its queue fill up to `backlog`, where the oldest are dropped.
    public func tap(
        exchange: String, backlog: Int,
        handler: @escaping @Sendable (IncomingMessage) -> Void
    ) async throws -> any ConsumerHandle {
        let backlog = max(1, backlog)
        return try await startConsumer(
            queue: "(tap of \(exchange))", prefetch: min(backlog, 100),
            tap: AMQPTapSpec(exchange: exchange, backlog: backlog, handler: handler)
        ) { _ in .ack }
    }

    private func startConsumer(
        queue: String, prefetch: Int, tap: AMQPTapSpec?,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        _ = try connectedPublisher()
        let (thread, id): (AMQPConsumerThread, Int) = threads.withLock { threads in
            let thread: AMQPConsumerThread
            if let consumer = threads.consumer {
                thread = consumer
            } else {
                thread = AMQPConsumerThread(
                    settings: settings(role: "consume"), declarations: declarations,
                    logger: logger, shutdownGrace: configuration.shutdownGrace)
                threads.consumer = thread
                thread.start()
            }
            defer { threads.nextConsumerID += 1 }
            return (thread, threads.nextConsumerID)
        }
        let spec = AMQPConsumerSpec(id: id, queue: queue, prefetch: max(1, prefetch), handler: handler, tap: tap)
        try await send(thread) { .startConsumer(spec, $0) }
        return AMQPConsumerHandle(thread: thread, id: id)
    }

    // MARK: BrokerAdmin

    /// Runs setup steps in order on the publishing connection. They are not
    /// replayed after a reconnect: they are durable on the broker.
    public func execute(_ steps: [TopologyStep]) async throws {
        let thread = try connectedPublisher()
        try await send(thread) { .topology(steps.map(AMQPOperation.init), $0) }
    }

    // MARK: Housekeeping

    /// Deletes a queue (tests, `msgflo` tooling); it is no longer redeclared after reconnects.
    public func deleteQueue(_ name: String) async throws {
        declarations.forget(name: name)
        try await run([.deleteQueue(name: name)])
    }

    /// Deletes an exchange; it is no longer redeclared after reconnects.
    public func deleteExchange(_ name: String) async throws {
        declarations.forget(name: name)
        try await run([.deleteExchange(name: name)])
    }
}

/// Cancels one consumer of an `AMQPTransport`.
struct AMQPConsumerHandle: ConsumerHandle {
    let thread: AMQPConsumerThread
    let id: Int

    func cancel() async {
        await withCheckedContinuation { (reply: CheckedContinuation<Void, Never>) in
            if !thread.inbox.post(.stopConsumer(id: id, reply)) { reply.resume() }
        }
    }
}
