import Foundation
import MsgFlo

/// A message on its way to the broker.
struct AMQPOutgoing: Sendable {
    var exchange: String
    var routingKey: String
    var body: Data
    /// Returned by the broker (`basic.return`) when no queue takes it.
    var mandatory = false
    /// The `x-msgflo-deliveries` header, when set.
    var deliveries: Int? = nil
}

/// Identifies a delivery for its settlement: a settlement is only sent on the
/// connection generation and channel that delivered the message.
struct AMQPDeliveryTicket: Sendable {
    var generation: Int
    var consumerID: Int
    /// Which opening of the consumer's channel delivered it (a channel the broker
    /// closed and that was reopened under the same number must not get old tags).
    var channelEpoch: Int
    var channel: UInt16
    var deliveryTag: UInt64
}

/// A consumer as the transport keeps it, to resume it after every reconnect.
struct AMQPConsumerSpec: Sendable {
    var id: Int
    /// For a tap, the name the broker gave its queue at the last start.
    var queue: String
    var prefetch: Int
    var handler: @Sendable (IncomingMessage) async -> Settlement
    /// Set for a watcher (`MessageTransport.tap`): its queue is declared and
    /// bound on the consumer's own channel at every start.
    var tap: AMQPTapSpec? = nil
}

/// What a watcher's queue is bound to and how much it may hold.
struct AMQPTapSpec: Sendable {
    var exchange: String
    var backlog: Int
    /// Called on the consumer thread for each copy (no acknowledgement follows).
    var handler: @Sendable (IncomingMessage) -> Void
}

/// What async Swift asks a connection thread to do.
enum AMQPCommand: Sendable {
    /// Resumes once the connection is up (fails with CancellationError after `cancelConnectWaiters`).
    case awaitConnected(CheckedContinuation<Void, any Error>)
    case cancelConnectWaiters
    case topology([AMQPOperation], CheckedContinuation<Void, any Error>)
    /// One or more messages, one reply when all are confirmed (or one failed).
    case publish([AMQPOutgoing], deadline: ContinuousClock.Instant, CheckedContinuation<Void, any Error>)
    case startConsumer(AMQPConsumerSpec, CheckedContinuation<Void, any Error>)
    case stopConsumer(id: Int, CheckedContinuation<Void, Never>)
    case settle(AMQPDeliveryTicket, Settlement)
    /// Finish outstanding work (bounded), close the connection and end the thread.
    case shutdown(CheckedContinuation<Void, Never>)
}
