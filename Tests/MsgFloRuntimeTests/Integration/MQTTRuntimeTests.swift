import Foundation
import Logging
import MsgFlo
import MsgFloMQTT
import MsgFloRuntime
import Primitives
import TestSupport
import Testing

/// The runtime on MQTT (the shared mosquitto): bindings are the runtime's own
/// forwarding, watching an edge is a subscription to its source topic.
@Suite(.logsOnFailure, .tags(.mqttIntegration), .timeLimit(.minutes(2)))
struct MQTTRuntimeTests {
    @Test func edgesForwardAreWatchedAndRewiredOnMQTT() async throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let (a, b) = ("ma\(suffix)", "mb\(suffix)")
        var quiet = Logger(label: "test.mqtt")
        quiet.logLevel = .critical
        let transport = try MQTTTransport(url: MQTTTestBroker.url, configuration: MQTTTestBroker.configuration, logger: quiet)
        let runtime = try await RuntimeFixture.start(
            transport: transport, stats: nil, brokerText: MQTTTestBroker.url.description,
            vhost: nil,
            fbp: "# @name mq\n\(a)(Repeat) OUT -> IN \(b)(Repeat)\n")
        #expect(await runtime.eventually { $0.appliedBindings("mq").count == 1 })
        let probe = try await MQTTTestBroker.connectedTransport()
        let (arrived, handle) = try await MQTTTestBroker.collect(probe, topic: "\(b).IN")
        try await Task.sleep(for: .milliseconds(300)) // the runtime's subscription is in place once bound; give the SUBACK a moment

        let client = try await runtime.client()
        let edge: JSONValue = ["src": ["node": .string(a), "port": "out"], "tgt": ["node": .string(b), "port": "in"], "graph": "mq"]
        _ = try await client.request("network", "edges", ["edges": [edge], "graph": "mq"])
        try await probe.publish(exchange: "\(a).OUT", body: Data(#"{"n":1}"#.utf8))
        #expect(try await arrived.take(timeout: 10).text == #"{"n":1}"#, "forwarded by the runtime")
        let data = try await client.waitFor { $0.command == "data" }
        #expect(data?.payload["data"] == ["n": 1], "and shown on the watched edge")

        _ = try await client.request("graph", "removeedge", edge)
        // The reply says the graph changed; the runtime's unsubscription from
        // the source topic follows on its broker lane (as the SUBACK does after addedge).
        #expect(await runtime.eventually { $0.appliedBindings("mq").isEmpty })
        try await Task.sleep(for: .milliseconds(300))
        try await probe.publish(exchange: "\(a).OUT", body: Data(#"{"n":2}"#.utf8))
        #expect((try? await arrived.take(timeout: 2)) == nil, "no forwarding after removeedge")
        _ = try await client.request("graph", "addedge", edge)
        try await Task.sleep(for: .milliseconds(300))
        try await probe.publish(exchange: "\(a).OUT", body: Data(#"{"n":3}"#.utf8))
        #expect(try await arrived.take(timeout: 10).text == #"{"n":3}"#, "forwarding again after addedge")

        await handle.cancel()
        await probe.disconnect()
        await runtime.stop()
    }
}
