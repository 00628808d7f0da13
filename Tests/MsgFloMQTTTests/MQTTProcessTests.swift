import Foundation
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

/// The msgflo tools on the shared mosquitto, as real processes.
@Suite("MQTT msgflo processes", .tags(.mqttIntegration), .serialized, .timeLimit(.minutes(5)), .logsOnFailure)
struct MQTTProcessTests {
    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("msgflo-mqtt-\(UUID().uuidString.prefix(8))-\(name)")
    }

    /// Polls instead of `waitUntilExit`, which can hang.
    func waitForExit(_ process: Process) async throws {
        try await waitUntil("msgflo to exit", timeout: .seconds(60)) { !process.isRunning }
    }

    func stop(_ process: Process) async throws {
        if process.isRunning { process.terminate() }
        try await waitForExit(process)
    }

    @Test func setupForwardsAGraphBetweenParticipantsWhileItRuns() async throws {
        let broker = MQTTTestBroker.url.description
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let (first, second) = ("a\(suffix)", "b\(suffix)")
        let graph = temporaryFile("graph.fbp")
        try "\(first)(Repeat) OUT -> IN \(second)(Repeat)\n".write(to: graph, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: graph) }

        let client = try await MQTTTestBroker.connectedTransport()
        let (output, handle) = try await MQTTTestBroker.collect(client, topic: "\(second).OUT")
        let (firstOutput, firstOutputHandle) = try await MQTTTestBroker.collect(client, topic: "\(first).OUT")

        var processes: [Process] = []
        for role in [first, second] {
            processes.append(
                try BuiltExecutable.msgflo.start(
                    ["participant", "Repeat", "--role", role, "--broker", broker],
                    log: temporaryFile("\(role).log")))
        }
        let setupLog = temporaryFile("setup.log")
        processes.append(try BuiltExecutable.msgflo.start(["setup", graph.path, "--forever", "--broker", broker], log: setupLog))
        try await waitUntil("setup to forward", timeout: .seconds(60)) {
            ((try? String(contentsOf: setupLog, encoding: .utf8)) ?? "").contains("bound PUBSUB")
        }

        // MQTT keeps no queue: until both participants subscribed, a message is
        // lost. Send until one comes out of the second participant.
        var forwarded: IncomingMessage?
        for attempt in 0..<200 where forwarded == nil {
            try await client.publish(queue: "\(first).IN", body: Data(#"{"attempt":\#(attempt)}"#.utf8))
            forwarded = try? await output.take(timeout: 0.3)
        }
        let message = try #require(forwarded, "nothing came through a -> setup forwarding -> b")
        #expect(message.json.objectValue?["attempt"] != nil)
        #expect(try await firstOutput.take(timeout: 10).json.objectValue?["attempt"] != nil)

        for process in processes { try await stop(process) }
        await handle.cancel()
        await firstOutputHandle.cancel()
        await client.disconnect()
    }

    /// mqtts:// too: forwarding is this process's on any MQTT broker.
    @Test(arguments: [MQTTTestBroker.url.description, "mqtts://localhost:1"])
    func setupWithoutForeverIsRefusedOnMQTT(broker: String) async throws {
        let graph = temporaryFile("graph.fbp")
        try "x(Repeat) OUT -> IN y(Repeat)\n".write(to: graph, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: graph) }
        let log = temporaryFile("setup.log")
        let process = try BuiltExecutable.msgflo.start(["setup", graph.path, "--broker", broker], log: log)
        try await waitForExit(process)
        #expect(process.terminationStatus != 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("MQTT has no broker-side bindings"))
        #expect(text.contains("--forever"))
    }
}
