import Foundation
import Logging
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

/// Instances of one role share their inport's messages (shared subscriptions),
/// and a requeue is retried by the consumer instead of published again.
@Suite("MQTT work sharing", .tags(.mqttIntegration), .serialized, .timeLimit(.minutes(3)), .logsOnFailure)
struct MQTTWorkSharingTests {
    @Test func twoInstancesOfARoleEachHandleAboutHalfAndEveryMessageOnce() async throws {
        let role = "share\(UUID().uuidString.prefix(8).lowercased())"
        let total = 1000
        let handled = LockedState([0, 0])
        var participants: [Participant] = []
        for instance in 0..<2 {
            let (definition, repeatHandler) = try #require(BuiltinComponents.make("Repeat", role: role))
            let transport = try MQTTTransport(url: MQTTTestBroker.url, configuration: MQTTTestBroker.configuration)
            let participant = Participant(definition: definition, transport: transport) { inport, message, output in
                handled.withLock { $0[instance] += 1 }
                try await repeatHandler(inport, message, output)
            }
            try await participant.start()
            participants.append(participant)
        }
        let client = try await MQTTTestBroker.connectedTransport()
        let seen = LockedState([String: Int]())
        let output = try await client.consume(queue: "\(role).OUT", prefetch: 50) { message in
            seen.withLock { $0[message.text, default: 0] += 1 }
            return .ack
        }
        for n in 0..<total { try await client.publish(queue: "\(role).IN", body: Data(#"{"n":\#(n)}"#.utf8)) }
        try await waitUntil("every message to come out", timeout: .seconds(60)) { seen.withLock { $0.count } == total }
        try await Task.sleep(for: .milliseconds(500)) // room for a duplicate to show up
        #expect(seen.withLock { $0.values.allSatisfy { $0 == 1 } }, "a message came out more than once")
        let counts = handled.withLock { $0 }
        #expect(counts.reduce(0, +) == total, "handled \(counts), sent \(total)")
        #expect(counts.allSatisfy { $0 >= total * 3 / 10 }, "not shared: \(counts)")

        for participant in participants { await participant.stop() }
        await output.cancel()
        await client.disconnect()
    }

    /// Before: a requeue published the message again, so a plain subscriber of
    /// the topic (a tap, a forwarder) saw it twice, and without shared
    /// subscriptions every instance got the copy.
    @Test func aRequeuedMessageIsRetriedByTheConsumerNotPublishedAgain() async throws {
        let topic = MQTTTestBroker.uniqueTopic("requeue.shared")
        let total = 20
        let attempts = LockedState([String: Int]())
        var instances: [(MQTTTransport, any ConsumerHandle)] = []
        for _ in 0..<2 {
            let transport = try await MQTTTestBroker.connectedTransport()
            let handle = try await transport.consume(queue: topic, prefetch: 2, sharedBy: "requeuers") { message in
                let attempt = attempts.withLock {
                    $0[message.text, default: 0] += 1
                    return $0[message.text, default: 0]
                }
                return attempt == 1 ? .requeue : .ack
            }
            instances.append((transport, handle))
        }
        let observer = try await MQTTTestBroker.connectedTransport()
        let observed = LockedState(0)
        let observing = try await observer.tap(exchange: topic, backlog: 100) { _ in observed.withLock { $0 += 1 } }

        for n in 0..<total { try await observer.publish(queue: topic, body: Data("m\(n)".utf8)) }
        try await waitUntil("every message to be handled twice", timeout: .seconds(30)) {
            attempts.withLock { $0.count == total && $0.values.allSatisfy { $0 >= 2 } }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(attempts.withLock { $0.values.allSatisfy { $0 == 2 } }, "\(attempts.withLock { $0 })")
        #expect(observed.withLock { $0 } == total, "the topic carried requeued copies")

        await observing.cancel()
        await observer.disconnect()
        for (transport, handle) in instances {
            await handle.cancel()
            await transport.disconnect()
        }
    }

    @Test func sharedSubscriptionsCanBeTurnedOffByURL() throws {
        let on = try MQTTTransport(url: BrokerURL(parsing: "mqtt://localhost"))
        let off = try MQTTTransport(url: BrokerURL(parsing: "mqtt://localhost?shared=0"))
        var configuration = MQTTTransport.Configuration()
        configuration.sharedSubscriptions = .off
        let configuredOff = try MQTTTransport(url: BrokerURL(parsing: "mqtt://localhost"), configuration: configuration)
        let urlWins = try MQTTTransport(url: BrokerURL(parsing: "mqtt://localhost?shared=true"), configuration: configuration)
        #expect([on, off, configuredOff, urlWins].map(\.sharedSubscriptionMode) == [.probe, .off, .off, .on])
    }

    @Test(arguments: [
        ("resize", "resize.IN", "$share/resize/resize.IN"),
        ("a/b+c#", "x", "$share/a_b_c_/x"),
        ("", "x", "x"),
    ])
    func sharedFilterNamesAValidGroup(group: String, topic: String, filter: String) {
        #expect(MQTTTransport.sharedFilter(topic: topic, group: group) == filter)
    }
}
