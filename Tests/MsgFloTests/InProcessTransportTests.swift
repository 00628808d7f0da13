import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Suite("InProcessTransport", .timeLimit(.minutes(1)), .logsOnFailure)
struct InProcessTransportTests {
    @Test func declaresInportsAsMsgFloDoes() async throws {
        let broker = InProcessBroker()
        let transport = InProcessTransport(broker: broker)
        try await transport.connect()
        try await transport.declareInport(queue: "resize.IN", options: PortOptions())
        // Same arguments again: idempotent, as on RabbitMQ.
        try await transport.declareInport(queue: "resize.IN", options: PortOptions())
        // A queue declared differently (no dead-letter exchange) is refused, as RabbitMQ answers 406.
        let refusal = await #expect(throws: TransportError.self) { try await transport.declareQueue("resize.IN", options: PortOptions()) }
        #expect(refusal?.code == .preconditionFailed && refusal?.isTransient == false)
        // The same-named fanout exchange reaches the queue.
        try await transport.publish(exchange: "resize.IN", body: Data("{}".utf8))
        #expect(broker.readyCount(queue: "resize.IN") == 1)
        // A rejected message goes to dead-resize.IN once that exchange exists.
        try broker.execute([
            .declareExchange(name: "dead-resize.IN", type: .fanout),
            .declareQueue(name: "dead", deadLetterExchange: nil),
            .bindQueue(queue: "dead", exchange: "dead-resize.IN", routingKey: ""),
        ])
        let handle = try await transport.consume(queue: "resize.IN", prefetch: 1) { _ in .reject }
        try await waitUntil("the dead-lettered message") { broker.readyCount(queue: "dead") == 1 }
        await handle.cancel()
        await transport.disconnect()
    }

    @Test func transportsOfOneDirectURLShareTheBroker() async throws {
        let url = "direct://\(uniqueBrokerName())"
        let sender = try InProcessTransport(url: url)
        let receiver = try InProcessTransport(url: url)
        #expect(sender.broker === receiver.broker)
        try await sender.connect()
        try await receiver.connect()
        try await receiver.declareQueue("q", options: PortOptions())
        let mailbox = Mailbox<IncomingMessage>()
        _ = try await receiver.consume(queue: "q", prefetch: 1) { message in
            mailbox.put(message)
            return .ack
        }
        try await sender.publish(queue: "q", body: Data(#"{"a":1}"#.utf8))
        let message = try await mailbox.take()
        #expect(message.json == ["a": 1])
        #expect(message.queue == "q")
        #expect(!message.redelivered)
        await sender.disconnect()
        await receiver.disconnect()
    }

    @Test func refusesWorkBeforeConnect() async throws {
        let transport = InProcessTransport(broker: InProcessBroker())
        await #expect(throws: TransportError.inProcessNotConnected) { try await transport.declareQueue("q", options: PortOptions()) }
        await #expect(throws: TransportError.inProcessNotConnected) { try await transport.publish(queue: "q", body: Data()) }
        await #expect(throws: TransportError.inProcessNotConnected) { try await transport.execute([]) }
    }

    @Test func disconnectRedeliversUnsettledToAnotherTransport() async throws {
        let broker = InProcessBroker()
        let dying = InProcessTransport(broker: broker)
        let surviving = InProcessTransport(broker: broker)
        try await dying.connect()
        try await surviving.connect()
        try await dying.declareInport(queue: "w.IN", options: PortOptions())
        let started = Mailbox<Void>()
        _ = try await dying.consume(queue: "w.IN", prefetch: 1) { _ in
            started.put(())
            // Never finishes on its own: the connection dies under it.
            while !Task.isCancelled { try? await Task.sleep(nanoseconds: 1_000_000_000) }
            return .ack
        }
        try await dying.publish(exchange: "w.IN", body: Data("1".utf8))
        try await started.take()
        await dying.disconnect()

        let redelivered = Mailbox<IncomingMessage>()
        _ = try await surviving.consume(queue: "w.IN", prefetch: 1) { message in
            redelivered.put(message)
            return .ack
        }
        let message = try await redelivered.take()
        #expect(message.redelivered)
        #expect(message.json == 1)
        try await waitUntil("the ack") { broker.unsettledCount(queue: "w.IN") == 0 }
        #expect(broker.readyCount(queue: "w.IN") == 0)
        await surviving.disconnect()
    }

    @Test func cancelledConsumerFinishesWhatItHolds() async throws {
        let broker = InProcessBroker()
        let transport = InProcessTransport(broker: broker)
        try await transport.connect()
        try await transport.declareInport(queue: "w.IN", options: PortOptions())
        let started = Mailbox<Void>()
        let release = Mailbox<Void>()
        let handle = try await transport.consume(queue: "w.IN", prefetch: 1) { _ in
            started.put(())
            try? await release.take()
            return .ack
        }
        try await transport.publish(exchange: "w.IN", body: Data("1".utf8))
        try await transport.publish(exchange: "w.IN", body: Data("2".utf8))
        try await started.take()
        await handle.cancel()
        release.put(())
        try await waitUntil("the consumer to go away") { broker.consumerCount(queue: "w.IN") == 0 }
        // The held message was acked; the other never left the queue.
        #expect(broker.readyCount(queue: "w.IN") == 1)
        #expect(broker.unsettledCount(queue: "w.IN") == 0)
        #expect(started.buffered.isEmpty)
        await transport.disconnect()
    }
}
