import Foundation

/// Source of queue observations; the governor only knows this protocol.
public protocol QueueStatsSource: Sendable {
    func observe(queue: String) async throws -> QueueObservation
}

/// Reads one queue from the RabbitMQ management API per call.
public struct ManagementAPIClient: QueueStatsSource {
    public var endpoint: ManagementEndpoint
    public var transport: any HTTPTransport

    public init(endpoint: ManagementEndpoint, transport: any HTTPTransport) {
        self.endpoint = endpoint
        self.transport = transport
    }

    /// `GET /api/queues/{vhost}/{name}`; a missing queue is an error naming the queue.
    public func observe(queue: String) async throws -> QueueObservation {
        let request = HTTPRequest(method: "GET", url: endpoint.queueURL(queue),
                                  headers: ["Authorization": endpoint.authorization, "Accept": "application/json"])
        let response = try await transport.send(request)
        switch response.status {
        case 200: return try Self.parse(response.body, queue: queue)
        case 404: throw StatsError("queue '\(queue)' does not exist in vhost '\(endpoint.vhost)'; check the role's 'queue' key or run msgflo setup")
        case 401: throw StatsError("management API at \(endpoint.baseURL) refused the credentials; the user needs the 'monitoring' tag")
        default: throw StatsError("management API answered \(response.status) for queue '\(queue)'")
        }
    }

    /// Parse the management API's queue object; rates are absent on an idle queue.
    public static func parse(_ body: Data, queue: String) throws -> QueueObservation {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw StatsError("management API sent no JSON object for queue '\(queue)'")
        }
        func int(_ key: String) -> Int { (object[key] as? NSNumber)?.intValue ?? 0 }
        let stats = object["message_stats"] as? [String: Any]
        func rate(_ key: String) -> Double {
            ((stats?[key] as? [String: Any])?["rate"] as? NSNumber)?.doubleValue ?? 0
        }
        return QueueObservation(messages: int("messages"), ready: int("messages_ready"),
                                unacknowledged: int("messages_unacknowledged"), consumers: int("consumers"),
                                publishRate: rate("publish_details"), ackRate: rate("ack_details"))
    }
}
