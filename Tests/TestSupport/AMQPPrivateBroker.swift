import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MsgFlo
import MsgFloAMQP
import MsgFloMQTT
import Primitives

/// A RabbitMQ of this test's own (never the shared one), started and stopped
/// with scripts/services on ports 5690/15690.
public struct PrivateRabbitMQ: Sendable {
    /// Folder under .services/ holding its data.
    public var name = "chaos-amqp"
    public var port = 5690
    public var managementPort = 15690
    /// Extra variables for rabbitmq-server, e.g. RABBITMQ_ADVANCED_CONFIG_FILE.
    public var environment: [String: String] = [:]

    public init(name: String = "chaos-amqp", port: Int = 5690, managementPort: Int = 15690, environment: [String: String] = [:]) {
        self.name = name
        self.port = port
        self.managementPort = managementPort
        self.environment = environment
    }

    public var directory: URL { root.appendingPathComponent(".services/\(name)") }

    public var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public var url: BrokerURL { try! BrokerURL(parsing: "amqp://guest:guest@localhost:\(port)?heartbeat=2") }

    /// Starting takes ~10 s of blocking waitpid: done on a thread of its own, so the
    /// two cooperative threads of this machine keep serving the other tests.
    public func start() async throws { try await offCooperativePool { try services("start") } }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the broker: a peer that stops
    /// answering without closing its sockets, which only heartbeats detect.
    public func send(signal: Int32) throws {
        let pidFile = directory.appendingPathComponent("rabbitmq/pid")
        let text = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text), kill(pid, signal) == 0 else {
            throw ServicesError(description: "cannot signal the private RabbitMQ (pid file: '\(text)')")
        }
    }

    public func stop() async throws { try await offCooperativePool { try services("stop") } }

    /// For `defer` at the end of a test, where nothing can be awaited.
    public func stopBlocking() throws { try services("stop") }

    private func offCooperativePool(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Runs scripts/services with posix_spawn and waitpid: Foundation's
    /// Process misses the exit when the script leaves a daemon behind.
    private func services(_ command: String) throws {
        let script = root.appendingPathComponent("scripts/services").path
        var environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        environment["SERVICES_DIR"] = directory.path
        environment["RABBITMQ_PORT"] = String(port)
        environment["RABBITMQ_MANAGEMENT_PORT"] = String(managementPort)
        try run([script, command, "rabbitmq"], environment: environment)
    }

    /// Runs a program to completion with posix_spawn and waitpid.
    public func run(_ command: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let script = command[0]
        let arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, script, nil, nil, arguments, variables)
        guard spawned == 0 else {
            throw ServicesError(description: "cannot run \(script): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw ServicesError(description: "\(command.joined(separator: " ")) failed (wait status \(status))")
        }
    }

    public struct ServicesError: Error, CustomStringConvertible { public var description: String }
}
