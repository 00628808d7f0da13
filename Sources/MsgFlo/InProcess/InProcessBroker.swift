import Foundation
import Primitives

/// A message broker inside the process, for `direct://name` URLs and tests.
///
/// It models the AMQP 0-9-1 behaviour msgflo relies on (fanout/direct/topic
/// exchanges, exchange-to-exchange bindings, dead-letter exchanges, prefetch,
/// round-robin, redelivery when a consumer goes away) so participant code can
/// be tested without RabbitMQ and still fail where RabbitMQ would fail.
///
/// All operations are synchronous and thread-safe. Delivery callbacks run
/// while the broker's lock is held, which keeps per-consumer order strict;
/// they must hand the delivery off (e.g. to an `AsyncStream`) and must not
/// call back into the broker.
public final class InProcessBroker: Sendable {
    public let name: String
    private let state = LockedState(BrokerState())

    private static let registry = LockedState([String: InProcessBroker]())

    /// A private broker, not reachable by name.
    public init(name: String = "private") {
        self.name = name
    }

    /// The broker all `direct://<name>` transports of this process share.
    public static func named(_ name: String) -> InProcessBroker {
        registry.withLock { brokers in
            if let broker = brokers[name] { return broker }
            let broker = InProcessBroker(name: name)
            brokers[name] = broker
            return broker
        }
    }

    /// The broker a `direct://name` URL refers to.
    public static func named(url: String) throws -> InProcessBroker {
        let prefix = "direct://"
        guard url.hasPrefix(prefix) else { throw TransportError.inProcessInvalidURL(url) }
        let name = url.dropFirst(prefix.count).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard !name.isEmpty else { throw TransportError.inProcessInvalidURL(url) }
        return named(name)
    }

    private func mutate<Result>(_ body: (inout BrokerState, inout BrokerState.Outbox) throws -> Result) rethrows -> Result {
        try state.withLock { state in
            var outbox: BrokerState.Outbox = []
            defer { for item in outbox { item.deliver(item.delivery) } }
            return try body(&state, &outbox)
        }
    }

    // MARK: topology

    public func declareExchange(_ name: String, type: TopologyStep.ExchangeType, durable: Bool = true, autoDelete: Bool = false) throws {
        try mutate { state, _ in try state.declareExchange(name, type: type, durable: durable, autoDelete: autoDelete) }
    }

    public func declareQueue(_ name: String, options: InProcessQueueOptions = InProcessQueueOptions()) throws {
        try mutate { state, _ in try state.declareQueue(name, options: options) }
    }

    public func bindQueue(_ queue: String, to exchange: String, routingKey: String = "") throws {
        try mutate { state, _ in try state.bind(.queue(queue), to: exchange, routingKey: routingKey, bind: true) }
    }

    public func unbindQueue(_ queue: String, from exchange: String, routingKey: String = "") throws {
        try mutate { state, _ in try state.bind(.queue(queue), to: exchange, routingKey: routingKey, bind: false) }
    }

    public func bindExchange(_ destination: String, to source: String, routingKey: String = "") throws {
        try mutate { state, _ in try state.bind(.exchange(destination), to: source, routingKey: routingKey, bind: true) }
    }

    public func unbindExchange(_ destination: String, from source: String, routingKey: String = "") throws {
        try mutate { state, _ in try state.bind(.exchange(destination), to: source, routingKey: routingKey, bind: false) }
    }

    /// Executes topology steps in order, as `BrokerAdmin` does on RabbitMQ.
    public func execute(_ steps: [TopologyStep]) throws {
        for step in steps {
            switch step {
            case .declareExchange(let name, let type):
                try declareExchange(name, type: type)
            case .declareQueue(let name, let deadLetterExchange, _):
                try declareQueue(name, options: InProcessQueueOptions(deadLetterExchange: deadLetterExchange))
            case .bindQueue(let queue, let exchange, let key):
                try bindQueue(queue, to: exchange, routingKey: key)
            case .unbindQueue(let queue, let exchange, let key):
                try unbindQueue(queue, from: exchange, routingKey: key)
            case .bindExchange(let destination, let source, let key):
                try bindExchange(destination, to: source, routingKey: key)
            case .unbindExchange(let destination, let source, let key):
                try unbindExchange(destination, from: source, routingKey: key)
            }
        }
    }

    // MARK: messages

    /// Publishes; `exchange == ""` is the default exchange (routing key = queue
    /// name). Returns how many queues received a copy (0 = dropped, as AMQP
    /// does with an unroutable message that is not mandatory).
    @discardableResult
    public func publish(exchange: String, routingKey: String = "", body: Data) throws -> Int {
        try mutate { state, outbox in try state.publish(exchange: exchange, routingKey: routingKey, body: body, outbox: &outbox) }
    }

    /// Opens a connection; consumers belong to one and die with it.
    public func openConnection() -> InProcessConnectionID {
        mutate { state, _ in InProcessConnectionID(rawValue: state.makeID()) }
    }

    /// Closes a connection: its consumers go away and their unsettled messages are redelivered.
    public func closeConnection(_ connection: InProcessConnectionID) {
        mutate { state, outbox in state.closeConnection(connection, outbox: &outbox) }
    }

    /// Starts a consumer with at most `prefetch` unsettled deliveries (0 = unlimited).
    public func addConsumer(
        queue: String, prefetch: Int, connection: InProcessConnectionID,
        deliver: @escaping @Sendable (BrokerDelivery) -> Void
    ) throws -> InProcessConsumerID {
        try mutate { state, outbox in
            try state.addConsumer(queue: queue, prefetch: prefetch, connection: connection, deliver: deliver, outbox: &outbox)
        }
    }

    /// Stops new deliveries to the consumer (AMQP basic.cancel); what it holds can still be settled.
    public func stopConsumer(_ id: InProcessConsumerID) {
        mutate { state, _ in state.stopConsumer(id) }
    }

    /// Removes the consumer; its unsettled messages are redelivered to others.
    public func removeConsumer(_ id: InProcessConsumerID) {
        mutate { state, outbox in state.removeConsumer(id, outbox: &outbox) }
    }

    /// Acks, rejects (to the dead-letter exchange if the queue has one that
    /// exists, else dropped) or requeues. Returns false for an unknown delivery.
    @discardableResult
    public func settle(_ delivery: BrokerDelivery, _ settlement: Settlement) -> Bool {
        mutate { state, outbox in state.settle(consumer: delivery.consumer, tag: delivery.tag, settlement, outbox: &outbox) }
    }

    // MARK: inspection

    /// Messages waiting in the queue (not counting unsettled ones), nil when there is no such queue.
    public func readyCount(queue: String) -> Int? {
        state.withLock { $0.queues[queue]?.ready.count }
    }

    /// Messages delivered from the queue and not yet settled.
    public func unsettledCount(queue: String) -> Int {
        state.withLock { state in
            state.consumers.values.filter { $0.queue == queue }.reduce(0) { $0 + $1.unsettled.count }
        }
    }

    public func consumerCount(queue: String) -> Int {
        state.withLock { $0.queues[queue]?.consumers.count ?? 0 }
    }

    public func queueExists(_ name: String) -> Bool { state.withLock { $0.queues[name] != nil } }
    public func exchangeExists(_ name: String) -> Bool { state.withLock { $0.exchanges[name] != nil } }
}
