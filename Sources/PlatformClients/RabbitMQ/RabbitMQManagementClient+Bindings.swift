extension RabbitMQManagementClient {
    /// `GET /api/bindings/{vhost}`: every binding of the virtual host,
    /// the default exchange's included.
    public func bindings() async throws(ManagementError) -> [BrokerBinding] {
        try await get(
            [BrokerBinding].self, ["bindings", endpoint.vhost],
            missing: .notFound(kind: "vhost", name: endpoint.vhost, vhost: endpoint.vhost))
    }

    /// The bindings whose source is `exchange` (where its messages go).
    public func bindings(source exchange: String) async throws(ManagementError) -> [BrokerBinding] {
        try await get(
            [BrokerBinding].self, ["exchanges", endpoint.vhost, exchange, "bindings", "source"],
            missing: .notFound(kind: "exchange", name: exchange, vhost: endpoint.vhost))
    }

    /// The bindings into `destination`, a queue (what feeds it) or an exchange.
    public func bindings(
        destination: String,
        type: BrokerBinding.DestinationType = .queue
    ) async throws(ManagementError) -> [BrokerBinding] {
        switch type {
        case .queue:
            return try await get(
                [BrokerBinding].self, ["queues", endpoint.vhost, destination, "bindings"],
                missing: .notFound(kind: "queue", name: destination, vhost: endpoint.vhost))
        case .exchange:
            return try await get(
                [BrokerBinding].self, ["exchanges", endpoint.vhost, destination, "bindings", "destination"],
                missing: .notFound(kind: "exchange", name: destination, vhost: endpoint.vhost))
        }
    }
}
