import Foundation
import MsgFlo
import Primitives
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `msgflo participant` exits promptly on SIGTERM while its broker is away, on
/// both transports: during the backoff between attempts, during an attempt
/// (a port that accepts TCP but never answers: the attempt would last the
/// whole 5 s connect timeout), and (MQTT) after the broker went away under a
/// running participant (its unsubscribe used to wait for the broker, then the
/// service group's 28 s grace ran out).
@Suite("SIGTERM while the broker is away", .tags(.mqttIntegration), .serialized, .timeLimit(.minutes(3)), .logsOnFailure)
struct BrokerAwayShutdownTests {
    enum Situation: String, CaseIterable, Sendable {
        case backoff, connectAttempt
    }

    static let cases: [(String, Situation)] = ["mqtt", "amqp"].flatMap { scheme in Situation.allCases.map { (scheme, $0) } }

    @Test(arguments: cases)
    func exitsWithinThreeSecondsOfSigterm(scheme: String, situation: Situation) async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let port = situation == .connectAttempt ? listener.port : try SilentListener.closedPort()
        let credentials = scheme == "amqp" ? "guest:guest@" : ""
        let log = temporaryLog("\(scheme)-\(situation.rawValue)")
        let process = try BuiltExecutable.msgflo.start(
            [
                "participant", "Repeat", "--role", "away\(UUID().uuidString.prefix(6).lowercased())", "--broker",
                "\(scheme)://\(credentials)127.0.0.1:\(port)",
            ],
            log: log)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        switch situation {
        case .backoff:
            try await waitUntil("a failed attempt, then the backoff", timeout: .seconds(30)) {
                ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("retrying")
            }
        case .connectAttempt:
            try await waitUntil("the participant to connect to the silent port", timeout: .seconds(30)) { listener.pendingConnections > 0 }
        }
        try await Task.sleep(for: .milliseconds(300))
        try await expectPromptExit(process)
    }

    @Test func exitsWithinThreeSecondsOfSigtermAfterTheMQTTBrokerWentAway() async throws {
        let broker = try PrivateMosquitto(port: 1897)
        defer { broker.destroy() }
        try await broker.start()
        let log = temporaryLog("mqtt-gone")
        let process = try BuiltExecutable.msgflo.start(
            ["participant", "Repeat", "--role", "gone\(UUID().uuidString.prefix(6).lowercased())", "--broker", broker.url.description],
            log: log)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await waitUntil("the participant to start", timeout: .seconds(30)) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("participant started")
        }
        try await broker.stop()
        try await waitUntil("the participant to notice", timeout: .seconds(30)) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("retrying")
        }
        try await expectPromptExit(process)
    }

    private func expectPromptExit(_ process: Process) async throws {
        let signalled = ContinuousClock.now
        process.terminate()
        try await waitUntil("msgflo to exit", timeout: .seconds(40)) { !process.isRunning }
        let took = ContinuousClock.now - signalled
        #expect(took < .seconds(3), "took \(took) to exit after SIGTERM")
        #expect(process.terminationReason == .exit)
    }

    private func temporaryLog(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("msgflo-away-\(UUID().uuidString.prefix(8))-\(name).log")
    }
}

/// A TCP port that completes handshakes (the kernel does, from the listen
/// backlog) but never reads or answers: a broker that hangs mid-connect.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestTimeout(what: "a socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw TestTimeout(what: "a listening socket: \(String(cString: strerror(errno)))") }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connections waiting in the backlog (poll says readable once there is one).
    var pendingConnections: Int {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0 ? 1 : 0
    }

    func close() { _ = Glibc.close(descriptor) }

    /// A port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let listener = try SilentListener()
        listener.close()
        return listener.port
    }
}
