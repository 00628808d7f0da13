import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
import MsgFlo
import MsgFloAMQP
import MsgFloMQTT
import Primitives

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
        return try! BrokerURL(parsing: text)
    }

    public static var managementURL: URL {
        URL(string: ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672")!
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

    public static func connectedTransport(url: BrokerURL = url, publishTimeout: Duration = .seconds(60),
                                   logger: Logger = Logger(label: "test.amqp")) async throws -> AMQPTransport {
        let transport = try AMQPTransport(url: url, configuration: configuration(publishTimeout: publishTimeout), logger: logger)
        try await transport.connect()
        return transport
    }
}

/// The RabbitMQ management HTTP API, to check what the broker really holds.
public struct RabbitManagement {
    public var base: URL

    public init(base: URL = AMQPTestBroker.managementURL) { self.base = base }

    /// GET /api/<path> as JSON; nil on 404.
    public func get(_ path: String) async throws -> [String: Any]? {
        try await getJSON(path) as? [String: Any]
    }

    public func getJSON(_ path: String) async throws -> Any? {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        let user = components.user ?? "guest", password = components.password ?? "guest"
        components.user = nil
        components.password = nil
        let url = URL(string: components.string! + "/api/" + path)!
        var request = URLRequest(url: url)
        request.setValue("Basic " + Data("\(user):\(password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 404 { return nil }
        guard status == 200 else { throw ManagementError(description: "GET \(url) answered \(status)") }
        return try JSONSerialization.jsonObject(with: data)
    }

    public static func encode(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? name
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

    public struct ManagementError: Error, CustomStringConvertible { public var description: String }
}

/// Polls `condition` until it holds or `timeout` passes: a bound on how long a
/// test may hang, not an assertion about speed.
public func amqpEventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// Captures log lines so tests can check what an operator would read.
public struct AMQPCapturingLogHandler: LogHandler {
    package let lines: LockedState<[String]>
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    package init(lines: LockedState<[String]>) { self.lines = lines }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level): \(event.message)") }
    }
}
