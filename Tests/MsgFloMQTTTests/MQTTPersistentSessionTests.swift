import Foundation
import Logging
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

#if canImport(Glibc)
    import Glibc
#endif

/// A participant with an instance name keeps a persistent session: what
/// arrives while it is down waits for it. On a private mosquitto, so the
/// sessions these tests leave behind go with it.
@Suite("MQTT persistent sessions", .tags(.mqttIntegration), .serialized, .timeLimit(.minutes(3)), .logsOnFailure)
struct MQTTPersistentSessionTests {
    @Test func aParticipantKilledAndRestartedMidStreamLosesNothing() async throws {
        let broker = try PrivateMosquitto(port: 1898)
        defer { broker.destroy() }
        try await broker.start()
        let role = "sess\(UUID().uuidString.prefix(6).lowercased())"
        let client = try await MQTTTestBroker.connectedTransport(url: broker.url)
        let seen = LockedState(Set<String>())
        let output = try await client.consume(queue: "\(role).OUT", prefetch: 50) { message in
            seen.withLock { _ = $0.insert(message.text) }
            return .ack
        }
        let arguments = ["participant", "Repeat", "--role", role, "--broker", broker.url.description]
        let environment: [String: String?] = ["MSGFLO_INSTANCE": "1", "DYNO": nil]

        func startParticipant(_ run: Int) async throws -> Process {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("msgflo-session-\(role)-\(run).log")
            let process = try BuiltExecutable.msgflo.start(arguments, environment: environment, log: log)
            try await waitUntil("the participant to start", timeout: .seconds(30)) {
                ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("participant started")
            }
            return process
        }

        let first = try await startParticipant(1)
        let total = 200
        for n in 0..<total {
            if n == total / 4 {
                // Mid-stream, some messages in flight: no goodbye, no unsubscribe.
                kill(first.processIdentifier, SIGKILL)
                try await waitUntil("the participant to die", timeout: .seconds(20)) { !first.isRunning }
            }
            try await client.publish(queue: "\(role).IN", body: Data(#"{"n":\#(n)}"#.utf8))
        }
        let second = try await startParticipant(2)
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        try await waitUntil("every message to come out (\(total))", timeout: .seconds(60)) { seen.withLock { $0.count } == total }

        second.terminate()
        try await waitUntil("the participant to exit", timeout: .seconds(30)) { !second.isRunning }
        await output.cancel()
        await client.disconnect()
    }

    /// Two processes given the same instance name take the session from each
    /// other at every connect; each must back off instead of reconnecting in
    /// a tight loop (a connection dropped right after connecting counts as a
    /// failure: issue 11 item 10).
    @Test func aConnectionDroppedRightAfterConnectingKeepsTheBackoff() async throws {
        let broker = try PrivateMosquitto(port: 1898)
        defer { broker.destroy() }
        try await broker.start()
        let recorder = LogRecorder()
        var configuration = MQTTTestBroker.configuration
        configuration.sessionName = "twin-\(UUID().uuidString.prefix(6))"
        let twins = try (0..<2).map { _ in
            try MQTTTransport(url: broker.url, configuration: configuration, logger: recorder.logger(label: "twin"))
        }
        for twin in twins { try await twin.connect() }
        try await Task.sleep(for: .seconds(3))
        let connects = recorder.messages.filter { $0 == "MQTT connected" }.count
        // With a 100 ms .. 1 s backoff: about a dozen in 3 s; in a loop, hundreds.
        #expect(connects < 40, "\(connects) connections in 3 s")
        for twin in twins { await twin.disconnect() }
    }

    @Test func aSessionNameGivesAStableClientIDAndKeepsTheSession() throws {
        var configuration = MQTTTransport.Configuration(options: TransportOptions(sessionName: "resize-worker.1"))
        configuration.keepAlive = 5
        let transport = try MQTTTransport(url: BrokerURL(parsing: "mqtt://localhost"), configuration: configuration)
        #expect(transport.persistentSession)
        #expect(transport.options.sessionName == "resize-worker.1")
        let fresh = try MQTTTransport(url: BrokerURL(parsing: "mqtt://localhost"))
        #expect(!fresh.persistentSession)
    }
}
