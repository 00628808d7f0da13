import Foundation
import Logging
import MsgFlo
import MsgFloAMQP
import MsgFloMQTT
import PlatformClients
import Primitives
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension Tag {
    /// Restarts a private RabbitMQ: slow (a minute or more), skip it with `--skip brokerRestart`.
    @Tag public static var brokerRestart: Self
    /// Needs the shared RabbitMQ.
    @Tag public static var amqpIntegration: Self
}

/// Where the integration tests find RabbitMQ (scripts/test sets the variables).
public enum AMQPTestBroker {
    public static var url: BrokerURL {
        let text = ProcessInfo.processInfo.environment["MSGFLO_TEST_BROKER"] ?? "amqp://guest:guest@localhost:5672"
        guard let url = try? BrokerURL(parsing: text) else { preconditionFailure("MSGFLO_TEST_BROKER is not a broker URL: \(text)") }
        return url
    }

    public static var managementURL: URL {
        let text = ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672"
        guard let url = URL(string: text) else { preconditionFailure("MSGFLO_TEST_MANAGEMENT_URL is not a URL: \(text)") }
        return url
    }

    /// A queue or exchange name no other test (or earlier run) uses.
    public static func uniqueName(_ prefix: String) -> String {
        "test.amqp.\(prefix).\(UUID().uuidString.prefix(8))"
    }

    /// Retries quickly so failure tests and restarts do not wait for long.
    public static func configuration(publishTimeout: Duration = .seconds(60)) -> AMQPTransport.Configuration {
        var configuration = AMQPTransport.Configuration()
        configuration.backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(2), jitter: 0.2)
        configuration.publishTimeout = publishTimeout
        configuration.shutdownGrace = .seconds(2)
        return configuration
    }

    public static func connectedTransport(
        url: BrokerURL = url, publishTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "test.amqp")
    ) async throws -> AMQPTransport {
        let transport = try AMQPTransport(url: url, configuration: configuration(publishTimeout: publishTimeout), logger: logger)
        try await transport.connect()
        return transport
    }
}

/// The RabbitMQ management HTTP API, to check what the broker really holds:
/// the platform client's raw calls, answers as JSON objects so tests can read
/// any field.
public struct RabbitManagement {
    public var client: RabbitMQManagementClient

    public init(base: URL = AMQPTestBroker.managementURL) {
        do {
            client = RabbitMQManagementClient(endpoint: try ManagementEndpoint.resolve(explicit: base.absoluteString, broker: nil))
        } catch {
            preconditionFailure("test management URL \(base): \(error)")
        }
    }

    /// GET /api/<path> as JSON; nil on 404.
    public func get(_ path: String) async throws -> [String: Any]? {
        try await getJSON(path) as? [String: Any]
    }

    /// GET /api/<path> (segments percent-encoded as `encode` does); nil on 404.
    public func getJSON(_ path: String) async throws -> Any? {
        let segments = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        let response = try await client.send("GET", segments)
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            throw ManagementError.unexpectedStatus(
                method: "GET", url: client.endpoint.url(segments).absoluteString,
                status: response.status, reason: response.bodyExcerpt())
        }
        return try JSONSerialization.jsonObject(with: response.body)
    }

    public static func encode(_ name: String) -> String {
        ManagementEndpoint.encode(name)
    }

    public func queue(_ name: String, vhost: String = "/") async throws -> [String: Any]? {
        try await get("queues/\(Self.encode(vhost))/\(Self.encode(name))")
    }

    public func exchange(_ name: String, vhost: String = "/") async throws -> [String: Any]? {
        try await get("exchanges/\(Self.encode(vhost))/\(Self.encode(name))")
    }

    public func bindings(ofQueue name: String, vhost: String = "/") async throws -> [[String: Any]] {
        try await getJSON("queues/\(Self.encode(vhost))/\(Self.encode(name))/bindings") as? [[String: Any]] ?? []
    }
}
