import Foundation
import Primitives

/// `MessageTransport` and `BrokerAdmin` on an `InProcessBroker`: what
/// `direct://name` URLs give, and what unit tests run participants on.
///
/// It declares the same topology msgflo-nodejs declares on RabbitMQ, so a
/// graph wired in-process behaves like one wired on a real broker.
/// `disconnect()` behaves like a dropped connection: unsettled messages are
/// redelivered to the remaining consumers.
public final class InProcessTransport: MessageTransport, BrokerAdmin {
    public let broker: InProcessBroker
    /// Only `prefetch` applies: publishes are routed before `publish` returns.
    public let options: TransportOptions

    private struct ConsumerRecord {
        var continuation: AsyncStream<BrokerDelivery>.Continuation
        var task: Task<Void, Never>?
    }

    private struct State {
        var connection: InProcessConnectionID?
        var consumers: [InProcessConsumerID: ConsumerRecord] = [:]
    }

    private let state = LockedState(State())

    public init(broker: InProcessBroker, options: TransportOptions = TransportOptions()) {
        self.broker = broker
        self.options = options
    }

    /// A transport on the process-wide broker named by a `direct://name` URL.
    public convenience init(url: String, options: TransportOptions = TransportOptions()) throws {
        self.init(broker: try InProcessBroker.named(url: url), options: options)
    }

    public func connect() async throws {
        let broker = self.broker
        state.withLock { state in
            if state.connection == nil { state.connection = broker.openConnection() }
        }
    }

    public func disconnect() async {
        let (connection, consumers) = state.withLock { state in
            defer {
                state.connection = nil
                state.consumers = [:]
            }
            return (state.connection, state.consumers)
        }
        // Close first, so settlements of handlers interrupted below are ignored
        // and their messages redelivered, as after a dropped AMQP connection.
        if let connection { broker.closeConnection(connection) }
        for record in consumers.values {
            record.continuation.finish()
            record.task?.cancel()
        }
    }

    private func requireConnection() throws(TransportError) -> InProcessConnectionID {
        guard let connection = state.withLock({ $0.connection }) else { throw TransportError.inProcessNotConnected }
        return connection
    }

    public func declareInport(queue: String, options: PortOptions) async throws {
        _ = try requireConnection()
        let durable = options.persistent
        try broker.declareQueue(
            queue,
            options: InProcessQueueOptions(
                durable: durable, autoDelete: !durable,
                deadLetterExchange: "dead-\(queue)"))
        try broker.declareExchange(queue, type: .fanout, durable: durable, autoDelete: !durable)
        try broker.bindQueue(queue, to: queue)
    }

    public func declareQueue(_ name: String, options: PortOptions) async throws {
        _ = try requireConnection()
        try broker.declareQueue(name, options: InProcessQueueOptions(durable: options.persistent, autoDelete: !options.persistent))
    }

    public func declareOutport(exchange: String, options: PortOptions) async throws {
        _ = try requireConnection()
        try broker.declareExchange(exchange, type: .fanout, durable: options.persistent, autoDelete: !options.persistent)
    }

    public func publish(exchange: String, body: Data) async throws {
        _ = try requireConnection()
        try broker.publish(exchange: exchange, body: body)
    }

    public func publish(queue: String, body: Data) async throws {
        _ = try requireConnection()
        try broker.publish(exchange: "", routingKey: queue, body: body)
    }

    public func execute(_ steps: [TopologyStep]) async throws {
        _ = try requireConnection()
        try broker.execute(steps)
    }

    /// Runs up to `prefetch` handlers concurrently; each delivery is settled
    /// with what its handler returned.
    public func consume(
        queue: String, prefetch: Int,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        let connection = try requireConnection()
        let (stream, continuation) = AsyncStream.makeStream(of: BrokerDelivery.self)
        let broker = self.broker
        let id = try broker.addConsumer(queue: queue, prefetch: prefetch, connection: connection) { delivery in
            continuation.yield(delivery)
        }
        state.withLock { $0.consumers[id] = ConsumerRecord(continuation: continuation) }
        let task = Task { [weak self] in
            await withDiscardingTaskGroup { group in
                for await delivery in stream {
                    group.addTask {
                        let message = IncomingMessage(
                            queue: delivery.queue, body: delivery.body, redelivered: delivery.redelivered,
                            timestamp: delivery.publishedAt)
                        let settlement = await handler(message)
                        broker.settle(delivery, settlement)
                    }
                }
            }
            // Every in-flight handler has settled; anything left is redelivered.
            broker.removeConsumer(id)
            self?.forget(id)
        }
        let stillConnected = state.withLock { state -> Bool in
            guard state.consumers[id] != nil else { return false }
            state.consumers[id]?.task = task
            return true
        }
        if !stillConnected { task.cancel() }
        return InProcessConsumerHandle(broker: broker, id: id, continuation: continuation)
    }

    /// A queue of its own (non-durable, auto-delete: gone with its consumer,
    /// or with the connection) bound to `exchange`. `backlog` is not enforced
    /// in-process: handlers run as deliveries arrive.
    public func tap(
        exchange: String, backlog: Int,
        handler: @escaping @Sendable (IncomingMessage) -> Void
    ) async throws -> any ConsumerHandle {
        _ = try requireConnection()
        guard broker.exchangeExists(exchange) else { throw TransportError.inProcessNoSuchExchange(exchange) }
        let queue = "amq.gen-" + UUID().uuidString.lowercased()
        try broker.declareQueue(queue, options: InProcessQueueOptions(durable: false, autoDelete: true))
        try broker.bindQueue(queue, to: exchange)
        return try await consume(queue: queue, prefetch: max(1, backlog)) { message in
            handler(message)
            return .ack
        }
    }

    private func forget(_ id: InProcessConsumerID) {
        _ = state.withLock { $0.consumers.removeValue(forKey: id) }
    }
}

/// Cancelling stops new deliveries at once; deliveries already handed out
/// still run their handlers and are settled, as after AMQP basic.cancel.
struct InProcessConsumerHandle: ConsumerHandle {
    let broker: InProcessBroker
    let id: InProcessConsumerID
    let continuation: AsyncStream<BrokerDelivery>.Continuation

    func cancel() async {
        broker.stopConsumer(id)
        continuation.finish()
    }
}
