import PlatformClients

/// Source of queue observations; the governor only knows this protocol.
public protocol QueueStatsSource: Sendable {
    func observe(queue: String) async throws -> QueueObservation
}

/// guv reads one queue per role and iteration from the RabbitMQ management API.
extension RabbitMQManagementClient: QueueStatsSource {
    public func observe(queue: String) async throws -> QueueObservation {
        QueueObservation(try await self.queue(queue))
    }
}

extension QueueObservation {
    /// The figures a decision uses, from the management API's queue object.
    public init(_ stats: QueueStats) {
        self.init(
            messages: stats.messages, ready: stats.ready, unacknowledged: stats.unacknowledged,
            consumers: stats.consumers, publishRate: stats.publishRate, ackRate: stats.ackRate)
    }
}
