import Foundation
import Logging
import MsgFlo
import MsgFloAMQP
import Primitives
import Synchronization
import Testing

@testable import MsgFloMQTT

#if canImport(Glibc)
    import Glibc
#endif

extension Tag {
    /// Needs the shared mosquitto (MSGFLO_TEST_MQTT, default mqtt://localhost:1883).
    @Tag public static var mqttIntegration: Self
}

/// Where the MQTT integration tests find mosquitto (scripts/test sets the variable).
public enum MQTTTestBroker {
    public static var url: BrokerURL {
        let text = ProcessInfo.processInfo.environment["MSGFLO_TEST_MQTT"] ?? "mqtt://localhost:1883"
        guard let url = try? BrokerURL(parsing: text) else { preconditionFailure("MSGFLO_TEST_MQTT is not a broker URL: \(text)") }
        return url
    }

    /// A topic no other test (or earlier run) uses.
    public static func uniqueTopic(_ prefix: String) -> String {
        "test.mqtt.\(prefix).\(UUID().uuidString.prefix(8))"
    }

    /// Retries quickly so restarts do not wait for long.
    public static var configuration: MQTTTransport.Configuration {
        var configuration = MQTTTransport.Configuration()
        configuration.backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: 0.2)
        configuration.keepAlive = 5
        configuration.shutdownGrace = .seconds(2)
        return configuration
    }

    public static func connectedTransport(url: BrokerURL = url) async throws -> MQTTTransport {
        let transport = try MQTTTransport(url: url, configuration: configuration, logger: Logger(label: "test.mqtt"))
        // connect() retries forever; a missing broker must fail the test, not hang it.
        let connecting = Task { try await transport.connect() }
        let timeout = Task {
            try await Task.sleep(for: .seconds(30))
            connecting.cancel()
        }
        defer { timeout.cancel() }
        do {
            try await connecting.value
        } catch is CancellationError {
            throw TestTimeout(what: "mosquitto at \(url) (start it with scripts/services start mosquitto)")
        }
        return transport
    }

    /// A consumer that acks everything into a mailbox.
    public static func collect(_ transport: MQTTTransport, topic: String, prefetch: Int = 10) async throws
        -> (Mailbox<IncomingMessage>, any ConsumerHandle)
    {
        let mailbox = Mailbox<IncomingMessage>()
        let handle = try await transport.consume(queue: topic, prefetch: prefetch) { message in
            mailbox.put(message)
            return .ack
        }
        return (mailbox, handle)
    }
}

extension IncomingMessage {
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A mosquitto of this test's own on its own port, in a temporary folder, so
/// it can be stopped and restarted without disturbing anybody.
public final class PrivateMosquitto: Sendable {
    public let port: Int
    public let directory: URL
    /// The running mosquitto, 0 when stopped.
    private let pid = Mutex<pid_t>(0)

    /// With `allowAnonymous: false` and no password file, every login is
    /// refused. `listeners` adds configuration lines after the plain
    /// listener on `port` (more listeners, e.g. a TLS one).
    public init(port: Int, allowAnonymous: Bool = true, listeners: String = "") throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "allow_anonymous \(allowAnonymous)\nlog_dest none\nlistener \(port) 127.0.0.1\n\(listeners)"
            .write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    public var url: BrokerURL {
        guard let url = try? BrokerURL(parsing: "mqtt://127.0.0.1:\(port)?heartbeat=2") else { preconditionFailure("bad port \(port)") }
        return url
    }

    /// Spawns mosquitto and polls until its port accepts connections.
    public func start() async throws {
        let config = directory.appendingPathComponent("mosquitto.conf").path
        let spawned = try TestCommand.spawn(["mosquitto", "-c", config], log: directory.appendingPathComponent("mosquitto.log"))
        pid.withLock { $0 = spawned }
        try await waitUntil("mosquitto to listen on \(port)", timeout: .seconds(20)) { [port] in PrivateMosquitto.accepts(port: port) }
    }

    /// SIGTERM and reap, polling (waitpid with WNOHANG never blocks the pool).
    public func stop() async throws {
        let child = pid.withLock { $0 }
        guard child > 0 else { return }
        kill(child, SIGTERM)
        try await waitUntil("mosquitto to exit", timeout: .seconds(20)) {
            var status: Int32 = 0
            let reaped = waitpid(child, &status, WNOHANG)
            // ECHILD: someone else in this process (Foundation) reaped it already.
            return reaped == child || (reaped < 0 && errno == ECHILD)
        }
        try await waitUntil("port \(port) to close", timeout: .seconds(20)) { [port] in !PrivateMosquitto.accepts(port: port) }
        pid.withLock { $0 = 0 }
    }

    /// For the end of a test whatever happened: kill without waiting, remove the folder.
    public func destroy() {
        let child = pid.withLock { pid in
            defer { pid = 0 }
            return pid
        }
        if child > 0 {
            kill(child, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(child, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public static func accepts(port: Int) -> Bool {
        (try? MQTTSocket.connect(host: "127.0.0.1", port: port, timeout: .milliseconds(200)))
            .map {
                $0.close()
                return true
            } ?? false
    }
}
