import Foundation
import MsgFlo
import MsgFloRuntime
import PlatformClients
import TestSupport
import Testing

/// Every command of the protocol over a real WebSocket against a real
/// RabbitMQ (a virtual host of its own): its answer, its errors, what it does
/// on the broker, and every message received checked against the schemas.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .timeLimit(.minutes(3)))
struct ProtocolSuiteTests {
    static let graph = """
        # @runtime msgflo
        # @name proto
        a(Repeat) OUT -> IN b(Repeat)
        """

    struct Step: Sendable, CustomStringConvertible {
        var proto: String
        var command: String
        var payload: JSONValue
        /// The commands of the answer, in this order (others may be between).
        var expect: [String]
        /// For error steps: what the error message says.
        var error: String?
        var description: String { "\(proto):\(command) \(payload)" }
    }

    static func port(_ node: String, _ port: String) -> JSONValue { ["node": .string(node), "port": .string(port)] }

    /// In order: later steps use what earlier ones made.
    static let steps: [Step] = [
        Step(proto: "runtime", command: "getruntime", payload: [:], expect: ["runtime:runtime", "runtime:ports"]),
        Step(proto: "component", command: "list", payload: [:], expect: ["component:component", "component:componentsready"]),
        Step(proto: "component", command: "getsource", payload: ["name": "proto"], expect: ["component:source"]),
        Step(proto: "component", command: "getsource", payload: ["name": "nope"], expect: ["component:error"], error: "no component or graph 'nope'"),
        Step(proto: "graph", command: "addnode", payload: ["id": "c", "component": "Repeat", "graph": "proto"], expect: ["graph:addnode"]),
        Step(
            proto: "graph", command: "addnode", payload: ["id": "c", "component": "Repeat", "graph": "proto"], expect: ["graph:error"], error: "'c'"),
        Step(
            proto: "graph", command: "addnode", payload: ["id": "x", "component": "Repeat", "graph": "elsewhere"], expect: ["graph:error"],
            error: "elsewhere"),
        Step(proto: "graph", command: "addnode", payload: ["component": "Repeat", "graph": "proto"], expect: ["graph:error"], error: "id"),
        Step(
            proto: "graph", command: "changenode", payload: ["id": "c", "metadata": ["x": 10, "y": 20], "graph": "proto"],
            expect: ["graph:changenode"]),
        Step(
            proto: "graph", command: "changenode", payload: ["id": "zz", "metadata": ["x": 1], "graph": "proto"], expect: ["graph:error"], error: "zz"
        ),
        Step(proto: "graph", command: "renamenode", payload: ["from": "c", "to": "d", "graph": "proto"], expect: ["graph:renamenode"]),
        Step(
            proto: "graph", command: "addedge", payload: ["src": port("b", "out"), "tgt": port("d", "in"), "graph": "proto"],
            expect: ["graph:addedge"]),
        Step(
            proto: "graph", command: "addedge", payload: ["src": port("b", "out"), "tgt": port("ghost", "in"), "graph": "proto"],
            expect: ["graph:error"], error: "ghost"),
        Step(
            proto: "graph", command: "changeedge",
            payload: ["src": port("b", "out"), "tgt": port("d", "in"), "metadata": ["route": 2], "graph": "proto"], expect: ["graph:changeedge"]),
        Step(
            proto: "graph", command: "changeedge",
            payload: ["src": port("a", "out"), "tgt": port("d", "in"), "metadata": ["route": 2], "graph": "proto"], expect: ["graph:error"]),
        Step(
            proto: "graph", command: "addinitial", payload: ["src": ["data": "hello"], "tgt": port("d", "in"), "graph": "proto"],
            expect: ["graph:addinitial"]),
        Step(proto: "graph", command: "removeinitial", payload: ["tgt": port("d", "in"), "graph": "proto"], expect: ["graph:removeinitial"]),
        Step(proto: "graph", command: "removeinitial", payload: ["tgt": port("a", "in"), "graph": "proto"], expect: ["graph:error"]),
        Step(
            proto: "graph", command: "addinport", payload: ["public": "input", "node": "a", "port": "in", "graph": "proto"],
            expect: ["graph:addinport", "runtime:ports"]),
        Step(
            proto: "graph", command: "renameinport", payload: ["from": "input", "to": "entry", "graph": "proto"],
            expect: ["graph:renameinport", "runtime:ports"]),
        Step(
            proto: "runtime", command: "packet", payload: ["port": "entry", "event": "data", "payload": ["n": 1], "graph": "proto"],
            expect: ["runtime:packetsent"]),
        Step(
            proto: "runtime", command: "packet", payload: ["port": "nowhere", "event": "data", "payload": 1, "graph": "proto"],
            expect: ["runtime:error"], error: "nowhere"),
        Step(
            proto: "graph", command: "removeinport", payload: ["public": "entry", "graph": "proto"], expect: ["graph:removeinport", "runtime:ports"]),
        Step(proto: "graph", command: "removeinport", payload: ["public": "entry", "graph": "proto"], expect: ["graph:error"], error: "entry"),
        Step(
            proto: "graph", command: "addoutport", payload: ["public": "result", "node": "d", "port": "out", "graph": "proto"],
            expect: ["graph:addoutport", "runtime:ports"]),
        Step(
            proto: "graph", command: "renameoutport", payload: ["from": "result", "to": "final", "graph": "proto"],
            expect: ["graph:renameoutport", "runtime:ports"]),
        Step(
            proto: "graph", command: "removeoutport", payload: ["public": "final", "graph": "proto"],
            expect: ["graph:removeoutport", "runtime:ports"]),
        Step(proto: "graph", command: "addgroup", payload: ["name": "g", "nodes": ["a", "b"], "graph": "proto"], expect: ["graph:addgroup"]),
        Step(proto: "graph", command: "renamegroup", payload: ["from": "g", "to": "h", "graph": "proto"], expect: ["graph:renamegroup"]),
        Step(
            proto: "graph", command: "changegroup", payload: ["name": "h", "metadata": ["description": "first two"], "graph": "proto"],
            expect: ["graph:changegroup"]),
        Step(proto: "graph", command: "removegroup", payload: ["name": "h", "graph": "proto"], expect: ["graph:removegroup"]),
        Step(proto: "graph", command: "removegroup", payload: ["name": "h", "graph": "proto"], expect: ["graph:error"], error: "h"),
        Step(
            proto: "graph", command: "removeedge", payload: ["src": port("b", "out"), "tgt": port("d", "in"), "graph": "proto"],
            expect: ["graph:removeedge"]),
        Step(
            proto: "graph", command: "removeedge", payload: ["src": port("b", "out"), "tgt": port("d", "in"), "graph": "proto"],
            expect: ["graph:error"]),
        Step(proto: "graph", command: "removenode", payload: ["id": "d", "graph": "proto"], expect: ["graph:removenode"]),
        Step(proto: "graph", command: "removenode", payload: ["id": "d", "graph": "proto"], expect: ["graph:error"], error: "d"),
        Step(proto: "graph", command: "frobnicate", payload: ["graph": "proto"], expect: ["graph:error"], error: "frobnicate"),
        Step(proto: "network", command: "getstatus", payload: ["graph": "proto"], expect: ["network:status"]),
        Step(proto: "network", command: "debug", payload: ["enable": true, "graph": "proto"], expect: ["network:status"]),
        Step(
            proto: "network", command: "edges", payload: ["edges": [["src": port("a", "out"), "tgt": port("b", "in")]], "graph": "proto"],
            expect: ["network:edges"]),
        Step(
            proto: "network", command: "edges", payload: ["edges": [["src": port("b", "out"), "tgt": port("a", "in")]], "graph": "proto"],
            expect: ["network:error"]),
        Step(proto: "network", command: "edges", payload: ["edges": [], "graph": "proto"], expect: ["network:edges"]),
        Step(proto: "network", command: "stop", payload: ["graph": "proto"], expect: ["network:stopped"]),
        Step(proto: "network", command: "start", payload: ["graph": "proto"], expect: ["network:started"]),
        Step(proto: "network", command: "start", payload: ["graph": "elsewhere"], expect: ["network:error"], error: "elsewhere"),
        Step(proto: "graph", command: "clear", payload: ["id": "scratch", "name": "scratch", "graph": "scratch"], expect: ["graph:clear"]),
        Step(proto: "graph", command: "addnode", payload: ["id": "solo", "component": "Repeat", "graph": "scratch"], expect: ["graph:addnode"]),
        Step(proto: "trace", command: "start", payload: ["graph": "proto"], expect: ["trace:error"]),
        Step(proto: "nonsense", command: "start", payload: [:], expect: ["runtime:error"], error: "nonsense"),
    ]

    /// The subsequence check: `expected` appear in `got` in this order.
    static func contains(_ got: [String], inOrder expected: [String]) -> Bool {
        var rest = got[...]
        for command in expected {
            guard let index = rest.firstIndex(of: command) else { return false }
            rest = rest[rest.index(after: index)...]
        }
        return true
    }

    @Test func everyCommandIsAnsweredAndEveryMessageValidates() async throws {
        try await TestVhost.with { vhost in try await everyCommand(vhost) }
    }

    func everyCommand(_ vhost: TestVhost) async throws {
        let runtime = try await RuntimeFixture.start(vhost: vhost, fbp: Self.graph, library: ["Repeat": "msgflo participant Repeat --role #ROLE"])
        let client = try await runtime.client()
        #expect(client.socket.subprotocol == "noflo")
        #expect(await runtime.eventually { $0.isRunning("proto") && $0.appliedBindings("proto").count == 1 })

        for step in Self.steps {
            let answer = try await client.request(step.proto, step.command, step.payload)
            #expect(Self.contains(answer.commands, inOrder: step.expect), "\(step): got \(answer.commands)")
            if step.expect.contains(where: { $0.hasSuffix(":error") }) {
                let text = answer.first { $0.command == "error" }?.errorText ?? ""
                #expect(!text.isEmpty && (step.error.map(text.contains) ?? true), "\(step): \(answer.map(\.errorText))")
            } else {
                #expect(!answer.contains { $0.command == "error" }, "\(step): unexpected error \(answer.map(\.errorText))")
            }
            if step.expect != ["network:edges"] {
                // Answers carry the request's id (network:edges and runtime:packet are the two whose schema has no responseTo).
                #expect(answer.contains { $0.responseTo != nil }, "\(step): no answer with responseTo")
            }
            try await Self.checkBroker(after: step, vhost: vhost, answer: answer)
        }
        #expect(client.received.count > Self.steps.count * 2, "every step was answered and followed by its barrier")
        await runtime.stop()
    }

    /// What some commands must have done on the broker, seen through the management API.
    static func checkBroker(after step: Step, vhost: TestVhost, answer: [FBPMessage]) async throws {
        let failed = step.expect.contains { $0.hasSuffix(":error") }
        switch (step.command, failed ? "error" : nil) {
        case ("getruntime", nil):
            let runtime = try #require(answer.first { $0.command == "runtime" })
            #expect(runtime.payload["type"] == "msgflo")
            #expect(runtime.payload["version"] == "0.9")
            #expect(runtime.payload["graph"] == "proto")
            #expect(runtime.payload["id"] == .string(RuntimeFixture.runtimeID))
        case ("addedge", nil):
            #expect(await eventually { (try? await vhost.destinations(of: "b.OUT")) == ["d.IN"] }, "addedge binds at once")
        case ("removeedge", nil):
            #expect(await eventually { (try? await vhost.destinations(of: "b.OUT")) == [] }, "removeedge unbinds")
        case ("addinitial", nil):
            #expect(await eventually { (try? await vhost.management.queue("d.IN").messages) == 1 }, "the initial packet waits in d.IN")
        case ("packet", nil):
            #expect(await eventually { (try? await vhost.management.queue("a.IN").messages) == 1 }, "the packet went to a.IN")
        case ("edges", nil) where step.payload["edges"]?.arrayValue?.isEmpty == false:
            #expect(await eventually { (try? await vhost.destinations(of: "a.OUT"))?.count == 2 }, "a tap queue beside b.IN")
        case ("edges", nil):
            #expect(await eventually { (try? await vhost.destinations(of: "a.OUT")) == ["b.IN"] }, "the tap queue is gone")
        default:
            break
        }
    }

    @Test func withASecretAMessageWithoutItChangesNothingAndHearsNothing() async throws {
        try await TestVhost.with { vhost in try await secretKeeps(vhost) }
    }

    func secretKeeps(_ vhost: TestVhost) async throws {
        let runtime = try await RuntimeFixture.start(vhost: vhost, fbp: Self.graph, secret: "open sesame")
        let trusted = try await runtime.client(secret: "open sesame")
        let stranger = try await runtime.client(secret: "wrong", subprotocol: nil)
        #expect(stranger.socket.subprotocol == nil, "a client without a subprotocol is served too")

        for secret: String? in [nil, "wrong", "open sesam", "open sesame!"] {
            try await stranger.send("graph", "addnode", ["id": "intruder", "component": "Repeat", "graph": "proto"], secret: .some(secret))
            let refused = try #require(try await stranger.next())
            #expect(refused.command == "error" && refused.protocol == "graph")
            #expect(refused.errorText.contains("secret"), "\(refused.errorText)")
        }
        try await stranger.send("runtime", "getruntime", [:], secret: .some(nil))
        let hidden = try #require(try await stranger.next())
        #expect(hidden.command == "error", "without the secret even getruntime says nothing about the runtime")

        let added = try await trusted.request("graph", "addnode", ["id": "friend", "component": "Repeat", "graph": "proto"])
        #expect(added.commands == ["graph:addnode"])
        let source = try await trusted.request("component", "getsource", ["name": "proto"])
        let code = source.first?.payload["code"]?.stringValue ?? ""
        #expect(!code.contains("intruder") && code.contains("friend"))
        // The stranger heard nothing of the trusted client's change: its next message is the answer to its own request.
        try await stranger.send("network", "getstatus", ["graph": "proto"], secret: .some(nil))
        #expect(try await stranger.next()?.command == "error")
        await runtime.stop()
    }
}
