/// One edge of a graph as the broker sees it (msgflo's `{type, src, tgt}`).
///
/// `source` is an outport's exchange and `target` an inport's queue, both as
/// named in discovery (or by the naming convention when not discovered).
public struct Binding: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        /// Every connected inport gets a copy: bind queue `target` to exchange `source`.
        case pubsub
        /// Through a `msgflo/RoundRobin` node: exchange `out-<source>` (direct) between them.
        case roundrobin
        /// Messages rejected by `source`'s consumers go to queue `target` via `dead-<source>`.
        case deadletter
    }

    public var kind: Kind
    public var source: String
    public var target: String

    public init(kind: Kind = .pubsub, source: String, target: String) {
        self.kind = kind
        self.source = source
        self.target = target
    }
}

/// A broker-level operation a binding turns into. Pure data, so the mapping
/// from graph to broker state can be tested without a broker.
public enum TopologyStep: Sendable, Hashable {
    public enum ExchangeType: String, Sendable, Hashable { case fanout, direct, topic }

    /// Durable exchange.
    case declareExchange(name: String, type: ExchangeType)
    /// Durable queue; `deadLetterExchange` becomes `x-dead-letter-exchange`,
    /// `type` `x-queue-type` (nil: classic, declared without the argument).
    case declareQueue(name: String, deadLetterExchange: String?, type: QueueType? = nil)
    case bindQueue(queue: String, exchange: String, routingKey: String)
    case unbindQueue(queue: String, exchange: String, routingKey: String)
    case bindExchange(destination: String, source: String, routingKey: String)
    case unbindExchange(destination: String, source: String, routingKey: String)
}

/// The setup side of a broker: what `msgflo setup` needs to wire a graph.
public protocol BrokerAdmin: Sendable {
    /// Executes steps in order. Declarations and bindings are idempotent on the broker.
    func execute(_ steps: [TopologyStep]) async throws
}
