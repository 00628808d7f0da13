import Foundation
import Logging
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

@Suite("MQTT broker restart", .tags(.mqttIntegration), .serialized, .timeLimit(.minutes(5)), .logsOnFailure)
struct MQTTBrokerRestartTests {
    @Test func consumerResumesAndPublishesGoThroughAfterTheBrokerRestarts() async throws {
        let broker = try PrivateMosquitto(port: 1893)
        defer { broker.destroy() }
        try await broker.start()

        let transport = try MQTTTransport(
            url: broker.url, configuration: MQTTTestBroker.configuration,
            logger: Logger(label: "test.mqtt.restart"))
        try await transport.connect()
        let topic = MQTTTestBroker.uniqueTopic("restart")
        let (mailbox, handle) = try await MQTTTestBroker.collect(transport, topic: topic)
        try await transport.publish(queue: topic, body: Data("before".utf8))
        #expect(try await mailbox.take(timeout: 20).text == "before")

        try await broker.stop()
        #expect(!PrivateMosquitto.accepts(port: broker.port))
        try await broker.start()

        // Same transport, nothing redone by the caller: the publish waits for the
        // reconnect, which resubscribes before sending it.
        try await transport.publish(queue: topic, body: Data("after".utf8))
        #expect(try await mailbox.take(timeout: 30).text == "after")

        // And a message from another client reaches the resumed consumer too.
        let other = try await MQTTTestBroker.connectedTransport(url: broker.url)
        try await other.publish(queue: topic, body: Data("from another client".utf8))
        #expect(try await mailbox.take(timeout: 30).text == "from another client")

        await handle.cancel()
        await other.disconnect()
        await transport.disconnect()
        try await broker.stop()
    }

    @Test func connectWaitsForABrokerThatStartsLater() async throws {
        let broker = try PrivateMosquitto(port: 1894)
        defer { broker.destroy() }
        let transport = try MQTTTransport(url: broker.url, configuration: MQTTTestBroker.configuration)
        let connecting = Task { try await transport.connect() }
        try await Task.sleep(for: .milliseconds(300))
        try await broker.start()
        try await connecting.value
        let topic = MQTTTestBroker.uniqueTopic("late")
        let (mailbox, handle) = try await MQTTTestBroker.collect(transport, topic: topic)
        try await transport.publish(queue: topic, body: Data("hello".utf8))
        #expect(try await mailbox.take(timeout: 20).text == "hello")
        await handle.cancel()
        await transport.disconnect()
        try await broker.stop()
    }

    @Test func aPublishTheBrokerNeverAcknowledgesTimesOut() async throws {
        let broker = try PrivateMosquitto(port: 1896)
        defer { broker.destroy() }
        try await broker.start()
        var configuration = MQTTTestBroker.configuration
        configuration.publishTimeout = .milliseconds(500)
        let transport = try MQTTTransport(url: broker.url, configuration: configuration)
        try await transport.connect()
        try await transport.publish(queue: "timeout-test", body: Data("acknowledged".utf8))
        try await broker.stop()
        let error = await #expect(throws: TransportError.self) {
            try await transport.publish(queue: "timeout-test", body: Data("never acknowledged".utf8))
        }
        #expect(error?.code == .publishTimeout)
        #expect(error?.isTransient == true)
        await transport.disconnect()
    }

    @Test func badCredentialsAreRefusedWithAClearError() async throws {
        let broker = try PrivateMosquitto(port: 1895, allowAnonymous: false)
        defer { broker.destroy() }
        try await broker.start()
        let transport = try MQTTTransport(
            url: BrokerURL(parsing: "mqtt://nobody:wrong@127.0.0.1:1895"),
            configuration: MQTTTestBroker.configuration)
        let refusal = await #expect(throws: TransportError.self) { try await transport.connect() }
        #expect(refusal == MQTTRefusal.connection(returnCode: 5, broker: "mqtt://nobody@127.0.0.1:1895/%2F"))
        #expect(refusal?.isTransient == false)
        try await broker.stop()
    }
}
