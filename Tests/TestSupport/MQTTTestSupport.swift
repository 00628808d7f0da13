import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif
import MsgFlo
import MsgFloAMQP
@testable import MsgFloMQTT
import Primitives

extension Tag {
    /// Needs the shared mosquitto (MSGFLO_TEST_MQTT, default mqtt://localhost:1883).
    @Tag public static var mqttIntegration: Self
}

/// Where the MQTT integration tests find mosquitto (scripts/test sets the variable).
public enum MQTTTestBroker {
    public static var url: BrokerURL {
        let text = ProcessInfo.processInfo.environment["MSGFLO_TEST_MQTT"] ?? "mqtt://localhost:1883"
        return try! BrokerURL(parsing: text)
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
public final class PrivateMosquitto: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private var pid: pid_t = 0

    /// With `allowAnonymous: false` and no password file, every login is refused.
    public init(port: Int, allowAnonymous: Bool = true) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "listener \(port) 127.0.0.1\nallow_anonymous \(allowAnonymous)\nlog_dest none\n"
            .write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    public var url: BrokerURL { try! BrokerURL(parsing: "mqtt://127.0.0.1:\(port)?heartbeat=2") }

    /// Spawns mosquitto and polls until its port accepts connections.
    public func start() async throws {
        let config = directory.appendingPathComponent("mosquitto.conf").path
        let command: [String] = ["mosquitto", "-c", config]
        let arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        // The test process blocks some signals (SIGTERM among them); the child must not inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var spawned: pid_t = 0
        let status = posix_spawnp(&spawned, "mosquitto", nil, &attributes, arguments, environ)
        guard status == 0 else { throw PrivateMosquittoError(description: "cannot run mosquitto: \(String(cString: strerror(status)))") }
        pid = spawned
        try await waitUntil("mosquitto to listen on \(port)", timeout: 20) { [port] in PrivateMosquitto.accepts(port: port) }
    }

    /// SIGTERM and reap, polling (waitpid with WNOHANG never blocks the pool).
    public func stop() async throws {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        let child = pid
        try await waitUntil("mosquitto to exit", timeout: 20) {
            var status: Int32 = 0
            let reaped = waitpid(child, &status, WNOHANG)
            // ECHILD: someone else in this process (Foundation) reaped it already.
            return reaped == child || (reaped < 0 && errno == ECHILD)
        }
        try await waitUntil("port \(port) to close", timeout: 20) { [port] in !PrivateMosquitto.accepts(port: port) }
        pid = 0
    }

    /// For the end of a test whatever happened: kill without waiting, remove the folder.
    public func destroy() {
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            pid = 0
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public static func accepts(port: Int) -> Bool {
        (try? MQTTSocket.connect(host: "127.0.0.1", port: port, timeout: .milliseconds(200)))
            .map { $0.close(); return true } ?? false
    }

    public struct PrivateMosquittoError: Error, CustomStringConvertible { public var description: String }
}
