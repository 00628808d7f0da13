import Foundation
import Logging
import Primitives

/// Listens on the discovery queue and keeps a `ParticipantRegistry` current.
///
/// Every message is acked, malformed ones included: a bad announcement is
/// logged and dropped, never redelivered in a loop and never fatal.
public final class DiscoveryListener: Sendable {
    public typealias EventHandler = @Sendable (ParticipantRegistry.IngestResult) -> Void

    private let transport: any MessageTransport
    private let queue: String
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let onEvent: EventHandler?
    private let registryState: LockedState<ParticipantRegistry>
    private let consumer = LockedState<(any ConsumerHandle)?>(nil)

    /// - Parameters:
    ///   - clock: the time stamped on each message (injectable for tests).
    ///   - onEvent: called after each message was ingested, e.g. to update a graph.
    public init(
        transport: any MessageTransport, queue: String = DiscoveryMessage.queue,
        expiry: TimeInterval = 600, logger: Logger = Logger(label: "msgflo.discovery"),
        clock: @escaping @Sendable () -> Date = { Date() }, onEvent: EventHandler? = nil
    ) {
        self.transport = transport
        self.queue = queue
        self.logger = logger
        self.clock = clock
        self.onEvent = onEvent
        self.registryState = LockedState(ParticipantRegistry(expiry: expiry))
    }

    /// Declares the discovery queue (plain, as msgflo-nodejs does) and starts
    /// consuming it. The transport must be connected.
    public func start() async throws {
        try await transport.declareQueue(queue, options: PortOptions())
        let handle = try await transport.consume(queue: queue, prefetch: 50) { [self] message in
            self.receive(message.body, sentAt: message.timestamp)
            return .ack
        }
        consumer.withLock { $0 = handle }
        logger.info("discovery listener consuming", metadata: ["queue": "\(queue)"])
    }

    public func stop() async {
        let handle = consumer.withLock { current -> (any ConsumerHandle)? in
            defer { current = nil }
            return current
        }
        await handle?.cancel()
    }

    /// Ingests one message body; what `start()` does for each delivery.
    /// `sentAt` is the message's own stamp (AMQP `timestamp`) when it has
    /// one: the participant counts as heard from then (never later than now),
    /// and an announcement older than the expiry is a backlog leftover, ignored.
    @discardableResult
    public func receive(_ body: Data, sentAt: Date? = nil) -> ParticipantRegistry.IngestResult {
        let now = clock()
        let stamp = min(sentAt ?? now, now)
        let result = registryState.withLock { registry -> ParticipantRegistry.IngestResult in
            let age = now.timeIntervalSince(stamp)
            guard age <= registry.expiry else { return .rejected(.stale(ageSeconds: Int(min(age, 1e12).rounded(.down)))) }
            return registry.ingest(body, at: stamp)
        }
        switch result {
        case .added(let entry):
            logger.info(
                "participant discovered",
                metadata: [
                    "id": "\(entry.id)", "role": "\(entry.role)",
                    "component": "\(entry.definition.component)",
                ])
        case .updated(let entry, let changed):
            if changed {
                logger.info("participant changed its definition", metadata: ["id": "\(entry.id)", "role": "\(entry.role)"])
            } else {
                logger.trace("participant still alive", metadata: ["id": "\(entry.id)"])
            }
        case .rejected(.stale):
            // A backlog of hundreds is normal after a while without a coordinator: not worth a warning each.
            logger.debug("old discovery message ignored")
        case .rejected(let reason):
            logger.warning("discovery message rejected", metadata: ["reason": "\(reason)", "bytes": "\(body.count)"])
        }
        onEvent?(result)
        return result
    }

    /// A copy of what is known now.
    public var registry: ParticipantRegistry { registryState.withLock { $0 } }

    /// Drops participants silent for longer than the expiry and returns them.
    @discardableResult
    public func expire(now: Date? = nil) -> [ParticipantRegistry.Entry] {
        let time = now ?? clock()
        let gone = registryState.withLock { $0.expire(now: time) }
        for entry in gone {
            logger.info("participant expired", metadata: ["id": "\(entry.id)", "role": "\(entry.role)"])
        }
        return gone
    }
}
