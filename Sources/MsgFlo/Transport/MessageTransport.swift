import Foundation

/// What to do with a delivered message once its handler is done.
///
/// The consumer's handler *returns* the settlement instead of calling ack/nack,
/// so every delivery is settled exactly once by construction.
public enum Settlement: Sendable, Hashable {
    case ack
    /// Reject without requeue: the broker dead-letters the message (to
    /// `dead-<queue>` when that exchange exists) or drops it.
    case reject
    /// Reject and put back on the queue for another consumer.
    case requeue
}

/// A message as handed to a consumer.
public struct IncomingMessage: Sendable {
    public var queue: String
    public var body: Data
    /// The broker delivered this message before (to a consumer that died or requeued it).
    public var redelivered: Bool
    /// When the publisher sent it, if the message says: AMQP's `timestamp`
    /// property (whole seconds; this package's AMQP transport stamps every
    /// publish, as discovery needs), the publish time in-process, nil on MQTT.
    /// A coordinator reading a backlog of announcements uses it so that old
    /// ones do not make dead participants look alive.
    public var timestamp: Date?
    /// Earlier deliveries of this message that were never settled (their
    /// consumer died), as `PublishOptions.deliveries` carried them; 0 when the
    /// message says nothing (a first delivery, or a transport without headers).
    public var deliveries: Int

    public init(queue: String, body: Data, redelivered: Bool = false, timestamp: Date? = nil, deliveries: Int = 0) {
        self.queue = queue
        self.body = body
        self.redelivered = redelivered
        self.timestamp = timestamp
        self.deliveries = deliveries
    }

    /// The body as JSON, or as a string when it is not JSON (msgflo's rule).
    public var json: JSONValue { JSONValue(messageBody: body) }
}

/// Options of a queue or exchange a participant declares for its own ports.
public struct PortOptions: Sendable, Hashable {
    /// Durable and persistent when true; non-durable and auto-delete when false.
    public var persistent: Bool
    /// The queue type of an inport; nil: the transport's (`TransportOptions.queueType`).
    /// Only persistent queues can be quorum queues: others are always classic.
    public var queueType: QueueType?
    public init(persistent: Bool = true, queueType: QueueType? = nil) {
        self.persistent = persistent
        self.queueType = queueType
    }
}

/// A running consumer, cancelled with `cancel()`.
public protocol ConsumerHandle: Sendable {
    func cancel() async
}

/// The participant side of a message broker.
///
/// Implementations: AMQP 0-9-1 (rabbitmq-c), in-process (`direct://name`),
/// later MQTT. A participant only ever talks to this protocol, so a transport
/// can be swapped without touching participant code. Implementations own
/// reconnection: after a broker loss they redeclare what was declared and
/// resume every consumer without the caller noticing, beyond delays.
public protocol MessageTransport: AnyObject, Sendable {
    /// What it was made with (`Transports.make(url:options:)`); a participant
    /// takes its default prefetch from here.
    var options: TransportOptions { get }

    /// Connects, retrying with backoff until it succeeds or the task is cancelled.
    func connect() async throws
    /// Stops consumers, waits for in-flight publishes, and closes.
    func disconnect() async

    /// Declares the queue of an inport (AMQP: durable queue with
    /// `x-dead-letter-exchange = dead-<queue>`, plus a same-named fanout exchange bound to it).
    func declareInport(queue: String, options: PortOptions) async throws
    /// Declares a queue with no arguments, as msgflo-nodejs does for the `fbp`
    /// discovery queue (declaring different arguments than an existing queue fails).
    func declareQueue(_ name: String, options: PortOptions) async throws
    /// Declares the exchange of an outport (AMQP: durable fanout exchange).
    func declareOutport(exchange: String, options: PortOptions) async throws

    /// Publishes to an outport's exchange; returns once the broker confirmed it.
    /// Throws `TransportError`: `isTransient` says whether trying later may succeed.
    func publish(exchange: String, body: Data) async throws
    /// Publishes straight to a queue (default exchange); returns once confirmed.
    func publish(queue: String, body: Data) async throws

    /// Consumes a queue with at most `prefetch` unsettled messages. The handler's
    /// return value settles the delivery. After a reconnect consuming resumes by itself.
    func consume(
        queue: String, prefetch: Int,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle

    /// `consume`, as one of the instances of `role` (a participant's inport):
    /// the instances share the queue's messages, each message going to one of
    /// them. AMQP and in-process queues do that already (the default calls
    /// `consume`); on MQTT, where every subscriber of a topic gets a copy, it
    /// is a shared subscription (`$share/<role>/<queue>`).
    func consume(
        queue: String, prefetch: Int, sharedBy role: String,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle

    /// Watches `exchange`: the handler gets a copy of every message published
    /// to it from now on, while the queues bound to it get theirs as before
    /// (a watcher takes nothing from a consumer). For showing an edge's data.
    ///
    /// AMQP: a queue of its own, server-named, exclusive, auto-delete and not
    /// durable, bound to the exchange; the broker deletes it when the handle
    /// is cancelled or the connection closes, and a new one is made after a
    /// reconnect. It holds at most `backlog` messages (the oldest are dropped:
    /// a watcher that falls behind sees a sample, and the broker stays safe).
    /// MQTT: a subscription to the topic (every subscriber gets a copy).
    /// The exchange must exist: declare it with `declareOutport` first.
    /// The handler runs on the transport's own thread, once per message, and
    /// must return at once (hand the message on, e.g. into a stream): a hot
    /// edge brings thousands a second, and a task each would cost more than
    /// the watching itself.
    func tap(
        exchange: String, backlog: Int,
        handler: @escaping @Sendable (IncomingMessage) -> Void
    ) async throws -> any ConsumerHandle
}

extension MessageTransport {
    /// The defaults, for transports that take no options.
    public var options: TransportOptions { TransportOptions() }

    /// A queue is shared by its consumers already.
    public func consume(
        queue: String, prefetch: Int, sharedBy role: String,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        try await consume(queue: queue, prefetch: prefetch, handler: handler)
    }
}
