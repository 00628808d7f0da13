import Foundation

/// Identifies a consumer on an `InProcessBroker`.
public struct InProcessConsumerID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public var description: String { "consumer-\(rawValue)" }
}

/// Identifies a connection on an `InProcessBroker`; closing it redelivers
/// everything its consumers left unsettled, like a dropped AMQP connection.
public struct InProcessConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public var description: String { "connection-\(rawValue)" }
}

/// One message handed to one consumer; settle it with `InProcessBroker.settle`.
public struct BrokerDelivery: Sendable, Hashable {
    public var consumer: InProcessConsumerID
    /// Unique per broker, so a settlement can never hit another delivery.
    public var tag: UInt64
    public var queue: String
    public var routingKey: String
    public var body: Data
    public var redelivered: Bool
    /// When it was published.
    public var publishedAt: Date
}

/// Properties of a queue; redeclaring a queue with other properties fails
/// with PRECONDITION_FAILED, as on RabbitMQ.
public struct InProcessQueueOptions: Sendable, Hashable {
    public var durable: Bool
    /// Deleted when its last consumer goes away.
    public var autoDelete: Bool
    /// `x-dead-letter-exchange`: where rejected messages are republished.
    public var deadLetterExchange: String?

    public init(durable: Bool = true, autoDelete: Bool = false, deadLetterExchange: String? = nil) {
        self.durable = durable
        self.autoDelete = autoDelete
        self.deadLetterExchange = deadLetterExchange
    }
}
