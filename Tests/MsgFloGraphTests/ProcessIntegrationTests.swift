import Foundation
import MsgFlo
import MsgFloAMQP
import Synchronization
import TestSupport
import Testing

@testable import MsgFloGraph

/// Real processes on the real RabbitMQ: what users do with the msgflo tools.
@Suite("msgflo processes", .tags(.amqpIntegration), .serialized, .timeLimit(.minutes(5)), .logsOnFailure)
struct ProcessIntegrationTests {
    let management = RabbitManagement()

    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("msgflo-test-\(UUID().uuidString.prefix(8))-\(name)")
    }

    /// A queue bound to `exchange` that collects what arrives.
    func sink(_ transport: AMQPTransport, exchange: String) async throws -> (queue: String, box: MessageBox) {
        let queue = AMQPTestBroker.uniqueName("sink")
        try await transport.execute([
            .declareExchange(name: exchange, type: .fanout),
            .declareQueue(name: queue, deadLetterExchange: nil),
            .bindQueue(queue: queue, exchange: exchange, routingKey: ""),
        ])
        let box = MessageBox()
        _ = try await transport.consume(queue: queue, prefetch: 50) { message in
            box.add(message.json)
            return .ack
        }
        return (queue, box)
    }

    @Test func setupWithParticipantsPassesAMessageThroughThreeRoles() async throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let graphFile = temporaryFile("chain.fbp")
        try """
        # @runtime msgflo
        a\(suffix)(examples/Repeat) OUT -> IN b\(suffix)(examples/Repeat) OUT -> IN c\(suffix)(examples/Repeat)
        """.write(to: graphFile, atomically: true, encoding: .utf8)
        let log = temporaryFile("setup.log")
        let setup = try BuiltExecutable.msgflo.start(["setup", "--participants", graphFile.path], log: log)
        defer { setup.terminate() }
        let transport = try await AMQPTestBroker.connectedTransport()
        defer { Task { await transport.disconnect() } }
        let (_, box) = try await sink(transport, exchange: "c\(suffix).OUT")
        try await waitUntil("three participants consuming") {
            var consumers = 0
            for role in ["a", "b", "c"] {
                consumers += (try await management.queue("\(role)\(suffix).IN")?["consumers"] as? Int) ?? 0
            }
            return consumers == 3
        }
        try await transport.publish(queue: "a\(suffix).IN", body: Data(#"{"n":42}"#.utf8))
        try await waitUntil("the message at the end of the chain") { box.values.count == 1 }
        #expect(box.values == [["n": 42]])
        setup.terminate()
        try await waitUntil("msgflo setup to exit") { !setup.isRunning }
        // Stopping setup stops the participants it started.
        try await waitUntil("participants stopped") {
            (try await management.queue("a\(suffix).IN")?["consumers"] as? Int) == 0
        }
    }

    /// SIGTERM to `msgflo setup --participants` stops its participants
    /// gracefully: each exits with status 0 by itself, none is killed after
    /// the grace period (or by SIGTERM's default action).
    @Test func setupStopsItsParticipantsWithSIGTERM() async throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let roles = ["p\(suffix)", "q\(suffix)"]
        let graphFile = temporaryFile("pair.fbp")
        try "\(roles[0])(examples/Repeat) OUT -> IN \(roles[1])(examples/Repeat)\n".write(to: graphFile, atomically: true, encoding: .utf8)
        let log = temporaryFile("stop.log")
        let setup = try BuiltExecutable.msgflo.start(["setup", "--participants", graphFile.path], log: log)
        defer { if setup.isRunning { kill(setup.processIdentifier, SIGKILL) } }
        try await waitUntil("both participants consuming") {
            var consumers = 0
            for role in roles { consumers += (try await management.queue("\(role).IN")?["consumers"] as? Int) ?? 0 }
            return consumers == 2
        }
        kill(setup.processIdentifier, SIGTERM)
        try await waitUntil("msgflo setup to exit") { !setup.isRunning }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(setup.terminationReason == .exit && setup.terminationStatus == 0, "\(output)")
        let endings = output.split(separator: "\n").filter { $0.contains("participant stopped") && $0.contains("ending=") }
        for role in roles {
            let line = endings.first { $0.contains("role=\(role)") }
            #expect(line?.contains("ending=exited with status 0") == true, "\(role): \(line ?? "no stop line")\n\(output)")
        }
        #expect(!output.contains("did not stop; killing"))
    }

    /// SIGTERM lets the message in hand finish (it is sent on and acked),
    /// and a second signal (a Ctrl-C reaching the whole process group) does
    /// not cut that drain short: the participant still exits with status 0.
    @Test func aParticipantDrainsTheMessageInHandOnSIGTERMEvenIfSignalledAgain() async throws {
        let role = "drain\(UUID().uuidString.prefix(6).lowercased())"
        let transport = try await AMQPTestBroker.connectedTransport()
        defer { Task { await transport.disconnect() } }
        let (_, box) = try await sink(transport, exchange: "\(role).OUT")
        let log = temporaryFile("drain.log")
        // Held longer than two of the management API's 5 s statistics samples
        // (held 3 s, a full run once never saw it unacknowledged), shorter than
        // the 20 s drain grace.
        let participant = try BuiltExecutable.msgflo.start(["participant", "Repeat", "--role", role, "--delay", "12"], log: log)
        defer { if participant.isRunning { kill(participant.processIdentifier, SIGKILL) } }
        try await waitUntil("the participant consuming") {
            (try await management.queue("\(role).IN")?["consumers"] as? Int) == 1
        }
        try await transport.publish(queue: "\(role).IN", body: Data(#"{"job":"in hand"}"#.utf8))
        try await waitUntil("the message held unacknowledged") {
            (try await management.queue("\(role).IN")?["messages_unacknowledged"] as? Int) == 1
        }
        kill(participant.processIdentifier, SIGTERM)
        kill(participant.processIdentifier, SIGINT)
        try await waitUntil("the participant to exit") { !participant.isRunning }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(participant.terminationReason == .exit && participant.terminationStatus == 0, "\(output)")
        try await waitUntil("the message sent on") { box.values.count == 1 }
        #expect(box.values == [["job": "in hand"]])
        try await waitUntil("nothing left in the queue") {
            (try await management.queue("\(role).IN")?["messages"] as? Int) == 0
        }
    }

    @Test func messageOfAKilledParticipantIsRedeliveredToAnother() async throws {
        let role = "kill\(UUID().uuidString.prefix(6).lowercased())"
        let transport = try await AMQPTestBroker.connectedTransport()
        defer { Task { await transport.disconnect() } }
        let (_, box) = try await sink(transport, exchange: "\(role).OUT")
        let slow = try BuiltExecutable.msgflo.start(["participant", "Repeat", "--role", role, "--delay", "30"], log: temporaryFile("slow.log"))
        try await waitUntil("the slow participant consuming") {
            (try await management.queue("\(role).IN")?["consumers"] as? Int) == 1
        }
        try await transport.publish(queue: "\(role).IN", body: Data(#"{"job":"precious"}"#.utf8))
        try await waitUntil("the message held unacknowledged") {
            (try await management.queue("\(role).IN")?["messages_unacknowledged"] as? Int) == 1
        }
        kill(slow.processIdentifier, SIGKILL)
        try await waitUntil("the killed participant to be gone") { !slow.isRunning }
        #expect(box.values.isEmpty)
        let fast = try BuiltExecutable.msgflo.start(["participant", "Repeat", "--role", role], log: temporaryFile("fast.log"))
        defer { fast.terminate() }
        try await waitUntil("the redelivered message") { box.values.count == 1 }
        #expect(box.values == [["job": "precious"]])
    }
}

final class MessageBox: Sendable {
    private let items = Mutex<[JSONValue]>([])
    func add(_ value: JSONValue) { items.withLock { $0.append(value) } }
    var values: [JSONValue] { items.withLock { $0 } }
}
