extension RabbitMQManagementClient {
    /// `GET /api/queues/{vhost}/{name}`; a missing queue is `.notFound`.
    public func queue(_ name: String) async throws(ManagementError) -> QueueStats {
        try await get(
            QueueStats.self, ["queues", endpoint.vhost, name],
            missing: .notFound(kind: "queue", name: name, vhost: endpoint.vhost))
    }

    /// `GET /api/queues/{vhost}`: every queue of the virtual host.
    public func queues() async throws(ManagementError) -> [QueueStats] {
        try await get(
            [QueueStats].self, ["queues", endpoint.vhost],
            missing: .notFound(kind: "vhost", name: endpoint.vhost, vhost: endpoint.vhost))
    }
}
