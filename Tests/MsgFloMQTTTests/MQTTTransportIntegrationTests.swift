import Foundation
import Logging
import MsgFlo
import MsgFloGraph
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

@Suite("MQTTTransport integration", .tags(.mqttIntegration), .timeLimit(.minutes(3)), .logsOnFailure)
struct MQTTTransportIntegrationTests {
    @Test func publishesAreAcknowledgedAndConsumedInOrder() async throws {
        let consumer = try await MQTTTestBroker.connectedTransport()
        let producer = try await MQTTTestBroker.connectedTransport()
        let topic = MQTTTestBroker.uniqueTopic("roundtrip")
        // Prefetch 1: handlers run one at a time, in the broker's order.
        let (mailbox, handle) = try await MQTTTestBroker.collect(consumer, topic: topic, prefetch: 1)
        try await producer.publish(queue: topic, body: Data(#"{"n":1}"#.utf8))
        try await producer.publish(exchange: topic, body: Data("plain text".utf8))
        let received = try await mailbox.take(2, timeout: 20)
        #expect(received.map(\.text) == [#"{"n":1}"#, "plain text"])
        #expect(received[0].json == .object(["n": .number(1)]))
        #expect(received.allSatisfy { $0.queue == topic })
        await handle.cancel()
        await consumer.disconnect()
        await producer.disconnect()
    }

    @Test(arguments: [1, 3])
    func prefetchBoundsConcurrentHandlers(_ prefetch: Int) async throws {
        let transport = try await MQTTTestBroker.connectedTransport()
        let topic = MQTTTestBroker.uniqueTopic("prefetch")
        struct Counts { var inFlight = 0, maximum = 0, done = 0 }
        let counts = LockedState(Counts())
        let total = 3 * prefetch + 2
        let handle = try await transport.consume(queue: topic, prefetch: prefetch) { _ in
            counts.withLock {
                $0.inFlight += 1
                $0.maximum = max($0.maximum, $0.inFlight)
            }
            // Hold until the window is full (or nothing else can come), then let
            // an over-eager consumer show itself before settling.
            try? await waitUntil("the prefetch window to fill", timeout: .seconds(10)) {
                counts.withLock { $0.inFlight >= prefetch || $0.done + $0.inFlight >= total }
            }
            try? await Task.sleep(for: .milliseconds(100))
            counts.withLock {
                $0.inFlight -= 1
                $0.done += 1
            }
            return .ack
        }
        for i in 0..<total { try await transport.publish(queue: topic, body: Data("\(i)".utf8)) }
        try await waitUntil("every message to be handled", timeout: .seconds(60)) { counts.withLock { $0.done == total } }
        #expect(counts.withLock { $0.maximum } == prefetch)
        await handle.cancel()
        await transport.disconnect()
    }

    @Test func requeuedMessageIsDeliveredAgain() async throws {
        let transport = try await MQTTTestBroker.connectedTransport()
        let topic = MQTTTestBroker.uniqueTopic("requeue")
        let seen = Mailbox<String>()
        let attempts = LockedState(0)
        let handle = try await transport.consume(queue: topic, prefetch: 1) { message in
            let attempt = attempts.withLock {
                $0 += 1
                return $0
            }
            seen.put("\(message.text)#\(attempt)")
            return attempt == 1 ? .requeue : .ack
        }
        try await transport.publish(queue: topic, body: Data("job".utf8))
        #expect(try await seen.take(2, timeout: 20) == ["job#1", "job#2"])
        await handle.cancel()
        await transport.disconnect()
    }

    @Test func rejectedMessageIsDroppedAndLaterOnesArrive() async throws {
        let transport = try await MQTTTestBroker.connectedTransport()
        let topic = MQTTTestBroker.uniqueTopic("reject")
        let seen = Mailbox<String>()
        let handle = try await transport.consume(queue: topic, prefetch: 1) { message in
            seen.put(message.text)
            return message.text == "bad" ? .reject : .ack
        }
        try await transport.publish(queue: topic, body: Data("bad".utf8))
        try await transport.publish(queue: topic, body: Data("good".utf8))
        #expect(try await seen.take(2, timeout: 20) == ["bad", "good"])
        await handle.cancel()
        await transport.disconnect()
    }

    @Test func cancelledConsumerGetsNothingMoreAndOthersOnTheTopicContinue() async throws {
        let transport = try await MQTTTestBroker.connectedTransport()
        let topic = MQTTTestBroker.uniqueTopic("cancel")
        let (first, firstHandle) = try await MQTTTestBroker.collect(transport, topic: topic)
        let (second, secondHandle) = try await MQTTTestBroker.collect(transport, topic: topic)
        try await transport.publish(queue: topic, body: Data("both".utf8))
        #expect(try await first.take(timeout: 20).text == "both")
        #expect(try await second.take(timeout: 20).text == "both")
        await firstHandle.cancel()
        try await transport.publish(queue: topic, body: Data("second only".utf8))
        #expect(try await second.take(timeout: 20).text == "second only")
        #expect(first.buffered.isEmpty)
        await secondHandle.cancel()
        await transport.disconnect()
    }

    @Test func repeatParticipantWorksEndToEndAndAnnouncesItselfOnFbp() async throws {
        let role = "rep\(UUID().uuidString.prefix(8).lowercased())"
        let (definition, handler) = try #require(BuiltinComponents.make("Repeat", role: role))
        let client = try await MQTTTestBroker.connectedTransport()
        let discovery = Mailbox<DiscoveryMessage>()
        let discoveryHandle = try await client.consume(queue: DiscoveryMessage.queue, prefetch: 10) { message in
            if let announced = try? DiscoveryMessage(decoding: message.body), announced.participant.role == role {
                discovery.put(announced)
            }
            return .ack
        }
        let (output, outputHandle) = try await MQTTTestBroker.collect(client, topic: "\(role).OUT")

        MQTTTransport.register()
        let participantTransport = try Transports.make(url: MQTTTestBroker.url)
        #expect(participantTransport is MQTTTransport)
        let participant = Participant(definition: definition, transport: participantTransport, rawHandler: handler)
        try await participant.start()

        let announced = try await discovery.take(timeout: 20, what: "the participant's discovery message")
        #expect(announced.participant.inports.map(\.queue) == ["\(role).IN"])
        #expect(announced.participant.outports.map(\.queue) == ["\(role).OUT"])
        #expect(announced.participant.component == "Repeat")

        try await client.publish(queue: "\(role).IN", body: Data(#"{"hello":"mqtt"}"#.utf8))
        let echoed = try await output.take(timeout: 20, what: "the repeated message")
        #expect(echoed.json == .object(["hello": .string("mqtt")]))

        await participant.stop()
        await discoveryHandle.cancel()
        await outputHandle.cancel()
        await client.disconnect()
    }

    @Test func bindingsAreForwardedWhileTheTransportRunsAndStopWhenRemoved() async throws {
        let setup = try await MQTTTestBroker.connectedTransport()
        let client = try await MQTTTestBroker.connectedTransport()
        let source = MQTTTestBroker.uniqueTopic("from")
        let target = MQTTTestBroker.uniqueTopic("to")
        let (received, handle) = try await MQTTTestBroker.collect(client, topic: target)
        let (atSource, sourceHandle) = try await MQTTTestBroker.collect(client, topic: source)

        let binding = Binding(source: source, target: target)
        try await setup.execute(TopologyPlan.setupSteps(for: [binding]))
        try await client.publish(exchange: source, body: Data("forwarded".utf8))
        #expect(try await received.take(timeout: 20).text == "forwarded")
        #expect(try await atSource.take(timeout: 20).text == "forwarded")

        try await setup.execute(TopologyPlan.removalSteps(for: [binding]))
        try await client.publish(exchange: source, body: Data("not forwarded".utf8))
        #expect(try await atSource.take(timeout: 20).text == "not forwarded")
        try await client.publish(queue: target, body: Data("marker".utf8))
        #expect(try await received.take(timeout: 20).text == "marker")

        await handle.cancel()
        await sourceHandle.cancel()
        await setup.disconnect()
        await client.disconnect()
    }

    @Test func roundRobinBindingIsForwardedThroughItsExchangeTopic() async throws {
        let setup = try await MQTTTestBroker.connectedTransport()
        let client = try await MQTTTestBroker.connectedTransport()
        let source = MQTTTestBroker.uniqueTopic("rr.from")
        let target = MQTTTestBroker.uniqueTopic("rr.to")
        let (received, handle) = try await MQTTTestBroker.collect(client, topic: target)
        try await setup.execute(TopologyPlan.setupSteps(for: [Binding(kind: .roundrobin, source: source, target: target)]))
        try await client.publish(exchange: source, body: Data("work".utf8))
        #expect(try await received.take(timeout: 20).text == "work")
        await handle.cancel()
        await setup.disconnect()
        await client.disconnect()
    }

    @Test func usingTheTransportBeforeConnectSaysWhatToDo() async throws {
        let transport = try MQTTTransport(url: MQTTTestBroker.url)
        let error = await #expect(throws: TransportError.self) { try await transport.publish(queue: "x", body: Data()) }
        #expect(error?.code == .notConnected)
        #expect(error?.message == "the MQTT transport for \(MQTTTestBroker.url) is not connected; call connect() first")
    }

    @Test func wildcardTopicsCannotBePublishedToOrConsumed() async throws {
        let transport = try await MQTTTestBroker.connectedTransport()
        await #expect(throws: TransportError(.invalidName, "cannot publish to 'a/#': MQTT topic names cannot contain '+' or '#'", queue: "a/#")) {
            try await transport.publish(queue: "a/#", body: Data())
        }
        await #expect(
            throws: TransportError(
                .invalidName, "cannot consume 'a/+': a msgflo queue is one MQTT topic; wildcards ('+', '#') are not supported", queue: "a/+")
        ) {
            _ = try await transport.consume(queue: "a/+", prefetch: 1) { _ in .ack }
        }
        // The connection is still fine.
        let topic = MQTTTestBroker.uniqueTopic("after")
        let (mailbox, handle) = try await MQTTTestBroker.collect(transport, topic: topic)
        try await transport.publish(queue: topic, body: Data("ok".utf8))
        #expect(try await mailbox.take(timeout: 20).text == "ok")
        await handle.cancel()
        await transport.disconnect()
    }

    @Test func foreignURLsAreRefusedUpFront() throws {
        let foreign = #expect(throws: TransportError.self) { _ = try MQTTTransport(url: BrokerURL(parsing: "amqp://localhost")) }
        #expect(foreign?.code == .unsupportedURL)
    }

    @Test func unreachableBrokerIsRetriedUntilCancelled() async throws {
        let transport = try MQTTTransport(url: BrokerURL(parsing: "mqtt://127.0.0.1:1"), configuration: MQTTTestBroker.configuration)
        let attempt = Task { try await transport.connect() }
        try await Task.sleep(for: .milliseconds(500))
        attempt.cancel()
        await #expect(throws: CancellationError.self) { try await attempt.value }
    }
}
