import Foundation
import PlatformClients

/// Where the runtime reads queue figures for the edges (depth, publish rate,
/// consumers). In production the RabbitMQ management API; MQTT brokers and
/// the in-process broker have none, and the edges then carry no figures.
public protocol QueueStatsSource: Sendable {
    /// Every queue the broker reports now.
    func queueStats() async throws -> [QueueStats]
}

extension RabbitMQManagementClient: QueueStatsSource {
    /// `GET /api/queues/{vhost}`: one request for every queue, however many edges.
    public func queueStats() async throws -> [QueueStats] { try await queues() }
}
