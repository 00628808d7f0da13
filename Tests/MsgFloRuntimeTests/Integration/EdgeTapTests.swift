import Foundation
import MsgFlo
import MsgFloRuntime
import PlatformClients
import TestSupport
import Testing

/// Watching an edge takes nothing from its consumer, and the watcher's queue
/// lives exactly as long as someone watches.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .timeLimit(.minutes(3)))
struct EdgeTapTests {
    static let graph = """
        # @runtime msgflo
        # @name taps
        a(Repeat) OUT -> IN b(Repeat)
        """

    static let edgeAB: JSONValue = ["src": ["node": "a", "port": "out"], "tgt": ["node": "b", "port": "in"]]

    /// The raw management view of a queue (exclusive, auto_delete, durable).
    static func queueInfo(_ vhost: TestVhost, _ name: String) async throws -> JSONValue? {
        let response = try await vhost.management.send("GET", ["queues", vhost.name, name])
        guard response.status == 200 else { return nil }
        return try JSONValue(parsing: response.body)
    }

    @Test func theConsumerGetsEveryMessageOnceAndTheTapQueueGoesWithTheClient() async throws {
        try await TestVhost.with { vhost in try await watch(vhost) }
    }

    func watch(_ vhost: TestVhost) async throws {
        let runtime = try await RuntimeFixture.start(
            vhost: vhost, fbp: Self.graph, manage: true,
            library: ["Repeat": "msgflo participant Repeat --role #ROLE"])
        #expect(await runtime.eventually { $0.registry.roles == ["a", "b"] })
        let transport = try await vhost.transport()
        let afterB = try await MessageCounter.bind("probe.b", to: "b.OUT", on: transport)

        let client = try await runtime.client()
        let watched = try await client.request("network", "edges", ["edges": [Self.edgeAB], "graph": "taps"])
        #expect(watched.commands == ["network:edges"])
        var tapQueue: String?
        #expect(
            await eventually {
                tapQueue = (try? await vhost.destinations(of: "a.OUT"))?.first { $0 != "b.IN" }
                return tapQueue != nil
            }, "a queue of the runtime's own is bound to a.OUT beside b.IN")
        let info = try #require(try await Self.queueInfo(vhost, tapQueue ?? ""))
        #expect(info["exclusive"] == true && info["auto_delete"] == true && info["durable"] == false, "\(info)")
        #expect(info["arguments"]?["x-max-length"] == 1000)

        let messages = batch(1, count: 200)
        try await transport.publish(messages, to: "a.IN")
        #expect(await afterB.waitForTotal(200))
        var data: [FBPMessage] = []
        while data.isEmpty || data.count < 3, let message = try await client.waitFor(limit: 100, { $0.command == "data" }) {
            data.append(message)
        }
        #expect(data.first?.payload["id"] == "a() OUT -> IN b()")
        #expect(
            data.allSatisfy { messages.contains(String(decoding: ($0.payload["data"] ?? .null).encoded(), as: UTF8.self)) },
            "network:data carries the messages themselves")
        try await Task.sleep(for: .seconds(1))
        #expect(afterB.counts == Dictionary(uniqueKeysWithValues: messages.map { ($0, 1) }), "b got each message exactly once")

        // The client goes: its tap queue goes with it, b.IN stays.
        try await client.socket.sendFrame(opcode: 8, payload: [0x03, 0xE8])
        #expect(await eventually { (try? await vhost.destinations(of: "a.OUT")) == ["b.IN"] }, "the tap's binding is gone")
        #expect(await eventually { (try? await Self.queueInfo(vhost, tapQueue ?? "")) == nil }, "the tap queue is deleted")

        // A watcher at shutdown: its queue goes with the runtime.
        let second = try await runtime.client()
        _ = try await second.request("network", "edges", ["edges": [Self.edgeAB], "graph": "taps"])
        #expect(await eventually { (try? await vhost.destinations(of: "a.OUT"))?.count == 2 })
        await afterB.stop()
        await runtime.stop()
        #expect(await eventually { (try? await vhost.destinations(of: "a.OUT")) == ["b.IN"] }, "shutdown cancels the taps")
        await transport.disconnect()
    }
}
