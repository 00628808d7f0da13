import Foundation
import Logging
import MsgFlo
import MsgFloGraph
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

/// RabbitMQ's MQTT plugin as the second MQTT broker (how AMQP and MQTT
/// participants share one broker in production), on a private RabbitMQ with
/// the plugin that scripts/services enables. RabbitMQ 3.10 takes
/// `$share/<group>/<topic>` for a plain topic name: the probe must notice, or
/// participants would silently get nothing.
@Suite(
    "MQTT on RabbitMQ's MQTT plugin", .tags(.mqttIntegration, .brokerRestart), .serialized, .timeLimit(.minutes(5)),
    .logsOnFailure)
struct MQTTOnRabbitMQTests {
    @Test func participantsAndSetupForwardingWorkOnRabbitMQ() async throws {
        try await PrivateRabbitMQ(name: "mqtt-rabbit", port: 5696, managementPort: 15696).with { broker in
            let url = try BrokerURL(parsing: broker.mqttURL)
            try await waitUntil("RabbitMQ's MQTT listener", timeout: .seconds(30)) { PrivateMosquitto.accepts(port: broker.mqttPort) }
            let suffix = UUID().uuidString.prefix(6).lowercased()
            let (first, second) = ("a\(suffix)", "b\(suffix)")
            let recorder = LogRecorder()
            var participants: [Participant] = []
            for role in [first, second] {
                let (definition, handler) = try #require(BuiltinComponents.make("Repeat", role: role))
                let transport = try MQTTTransport(
                    url: url, configuration: MQTTTestBroker.configuration, logger: recorder.logger(label: "rabbit.mqtt"))
                let participant = Participant(definition: definition, transport: transport, rawHandler: handler)
                try await participant.start()
                participants.append(participant)
            }
            // The probe found no sharing and the participants subscribed plainly.
            #expect(recorder.text.contains("does not deliver to shared subscriptions"))

            // What `msgflo setup --forever` does on MQTT: forward first.OUT -> second.IN.
            let setup = try await MQTTTestBroker.connectedTransport(url: url)
            try await setup.execute(TopologyPlan.setupSteps(for: [Binding(source: "\(first).OUT", target: "\(second).IN")]))
            let client = try await MQTTTestBroker.connectedTransport(url: url)
            let (output, handle) = try await MQTTTestBroker.collect(client, topic: "\(second).OUT")
            try await client.publish(queue: "\(first).IN", body: Data(#"{"via":"rabbitmq"}"#.utf8))
            #expect(try await output.take(timeout: 30).json == .object(["via": .string("rabbitmq")]))

            for participant in participants { await participant.stop() }
            await handle.cancel()
            await setup.disconnect()
            await client.disconnect()
        }
    }
}
