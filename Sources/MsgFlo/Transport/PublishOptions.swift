import Foundation

/// What a publish may ask beyond "deliver this body", for the transports that
/// can do it (`OptionsPublishing`).
public struct PublishOptions: Sendable, Hashable {
    /// Fail with `TransportError(.unroutable)` when no queue takes the message,
    /// instead of the broker dropping it silently (AMQP `mandatory`). For a
    /// producer whose edge must exist: a job published before `msgflo setup`
    /// bound the graph would otherwise be lost without anyone knowing.
    public var mandatory: Bool
    /// How often the message was delivered before and never settled (its
    /// consumer died), carried in the `x-msgflo-deliveries` header, so the
    /// count survives a republish and holds across every worker of a role.
    public var deliveries: Int?

    public init(mandatory: Bool = false, deliveries: Int? = nil) {
        self.mandatory = mandatory
        self.deliveries = deliveries
    }

    /// The header that carries `deliveries` on the wire.
    public static let deliveriesHeader = "x-msgflo-deliveries"
}

/// A transport that honours `PublishOptions` (AMQP). Kept apart from
/// `MessageTransport` so a transport that cannot (MQTT has no routing check
/// and no headers in 3.1.1) is not forced to pretend.
public protocol OptionsPublishing: MessageTransport {
    /// Publishes to an outport's exchange with `options`; returns once confirmed.
    /// Throws `TransportError(.unroutable)` for a `mandatory` message no queue took.
    func publish(exchange: String, body: Data, options: PublishOptions) async throws
    /// Publishes straight to a queue with `options`; returns once confirmed.
    func publish(queue: String, body: Data, options: PublishOptions) async throws
    /// Publishes every body to an outport's exchange with `options`; returns
    /// once all are confirmed, throws the first failure. A transport that can
    /// hand the whole batch to its connection at once does (AMQP).
    func publish(exchange: String, bodies: [Data], options: PublishOptions) async throws
}

extension OptionsPublishing {
    /// One publish per body, all in flight at once.
    public func publish(exchange: String, bodies: [Data], options: PublishOptions) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for body in bodies {
                group.addTask { try await self.publish(exchange: exchange, body: body, options: options) }
            }
            try await group.waitForAll()
        }
    }
}
