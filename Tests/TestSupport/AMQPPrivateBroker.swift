import Foundation
import MsgFlo

#if canImport(Glibc)
    import Glibc
#endif

/// A RabbitMQ of a test's own (never the shared one), started and stopped with
/// scripts/services: for tests that restart or freeze the broker, configure
/// it (a TLS listener), or must not touch the shared broker's queues. Tests
/// that use one run under `flock /tmp/msgflo-private-servers.lock` (see the
/// `brokerRestart` tag), since the ports are fixed or few.
public struct PrivateRabbitMQ: Sendable {
    /// Its scripts/services folder (SERVICES_DIR): data, logs, pid file.
    public var directory: URL
    public var port: Int
    public var managementPort: Int
    /// Extra variables for rabbitmq-server, e.g. RABBITMQ_ADVANCED_CONFIG_FILE.
    public var environment: [String: String]

    /// On fixed ports, in `.services/NAME` of the checkout.
    public init(name: String = "chaos-amqp", port: Int = 5690, managementPort: Int = 15690, environment: [String: String] = [:]) {
        self.directory = Self.root.appendingPathComponent(".services/\(name)")
        self.port = port
        self.managementPort = managementPort
        self.environment = environment
    }

    /// In `directory`, on the first candidate port whose AMQP, management
    /// (+10000) and Erlang distribution (+20000) ports are all free.
    public init(directory: URL, candidates: [Int], environment: [String: String] = [:]) throws {
        guard let port = candidates.first(where: { Self.isFree($0) && Self.isFree($0 + 10000) && Self.isFree($0 + 20000) }) else {
            throw TestCommandError(
                description:
                    "no free port for a private RabbitMQ among \(candidates) (+10000, +20000); stop a leftover one with scripts/services stop")
        }
        self.directory = directory
        self.port = port
        self.managementPort = port + 10000
        self.environment = environment
    }

    /// The checkout, for scripts/services.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// With a 2 s heartbeat, so a frozen broker is noticed quickly.
    public var url: BrokerURL {
        guard let url = try? BrokerURL(parsing: "\(amqpURL)?heartbeat=2") else { preconditionFailure("bad private broker URL on port \(port)") }
        return url
    }

    public var amqpURL: String { "amqp://guest:guest@localhost:\(port)" }
    public var managementURL: String { "http://guest:guest@localhost:\(managementPort)" }
    /// Its MQTT plugin's listener (scripts/services: the AMQP port - 3788).
    public var mqttPort: Int { port - 3788 }
    public var mqttURL: String { "mqtt://guest:guest@localhost:\(mqttPort)" }
    /// What scripts/services printed.
    public var log: URL { directory.appendingPathComponent("services.log") }

    /// Starting takes ~10 s of waiting for ports: done on a thread of its own.
    public func start() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try await TestCommand.runOffPool(services("start"), environment: variables, log: log)
        } catch {
            throw TestCommandError(description: "private RabbitMQ on \(port) did not start: \(error)\nsee \(directory.path)/rabbitmq/log")
        }
    }

    public func stop() async throws { try await TestCommand.runOffPool(services("stop"), environment: variables, log: log) }

    /// For `defer` at the end of a test, where nothing can be awaited.
    public func stopBlocking() throws { try TestCommand.run(services("stop"), environment: variables, log: log) }

    /// Starts a broker, runs `body`, and stops the broker whatever happened.
    public func with(_ body: (PrivateRabbitMQ) async throws -> Void) async throws {
        do {
            try await start()
            try await body(self)
        } catch {
            try? await stop()
            throw error
        }
        try await stop()
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the broker: a peer that stops
    /// answering without closing its sockets, which only heartbeats detect.
    public func send(signal: Int32) throws {
        let pidFile = directory.appendingPathComponent("rabbitmq/pid")
        let text = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text), kill(pid, signal) == 0 else {
            throw TestCommandError(description: "cannot signal the private RabbitMQ (pid file: '\(text)')")
        }
    }

    private func services(_ command: String) -> [String] {
        [Self.root.appendingPathComponent("scripts/services").path, command, "rabbitmq"]
    }

    private var variables: [String: String] {
        ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging([
            "SERVICES_DIR": directory.path, "RABBITMQ_PORT": String(port), "RABBITMQ_MANAGEMENT_PORT": String(managementPort),
            "RABBITMQ_MQTT_PORT": String(mqttPort),
        ]) { $1 }
    }

    /// True when nothing listens on and nothing is bound to the TCP port.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
