import Foundation
import Logging
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloAMQP

/// Quorum queues and multi-node URLs against the real RabbitMQ (MSGFLO_TEST_BROKER).
@Suite("AMQP queue types and failover", .tags(.amqpIntegration), .timeLimit(.minutes(3)), .logsOnFailure)
struct AMQPQueueTypeTests {
    let management = RabbitManagement()

    @Test func aQuorumInportIsDurableWithItsDeadLetterExchange() async throws {
        var configuration = AMQPTestBroker.configuration()
        configuration.queueType = .quorum
        let transport = try AMQPTransport(url: AMQPTestBroker.url, configuration: configuration)
        try await transport.connect()
        let queue = AMQPTestBroker.uniqueName("quorum")
        try await transport.declareInport(queue: queue, options: PortOptions())
        try await transport.declareInport(queue: queue, options: PortOptions())

        let info = try #require(try await management.queue(queue))
        #expect(info["type"] as? String == "quorum")
        #expect(info["durable"] as? Bool == true)
        let arguments = try #require(info["arguments"] as? [String: Any])
        #expect(arguments["x-queue-type"] as? String == "quorum")
        #expect(arguments["x-dead-letter-exchange"] as? String == "dead-" + queue)
        try await transport.publish(exchange: queue, body: Data("1".utf8))
        #expect(try await transport.receive(from: queue, amount: 1).map(\.body) == [Data("1".utf8)])

        // A non-persistent port cannot be a quorum queue: it stays classic.
        let transient = AMQPTestBroker.uniqueName("quorum-transient")
        try await transport.declareInport(queue: transient, options: PortOptions(persistent: false))
        #expect(try #require(try await management.queue(transient))["type"] as? String == "classic")

        for name in [queue, transient] {
            try await transport.deleteQueue(name)
            try await transport.deleteExchange(name)
        }
        await transport.disconnect()
    }

    @Test func aParticipantFollowsTheTypeItsQueueHas() async throws {
        let setup = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("adopt")
        try await setup.execute([.declareQueue(name: queue, deadLetterExchange: "dead-" + queue, type: .quorum)])

        // This participant asks for classic (the default), the queue is quorum.
        let participant = try await AMQPTestBroker.connectedTransport()
        try await participant.declareInport(queue: queue, options: PortOptions())
        #expect(try #require(try await management.queue(queue))["type"] as? String == "quorum")
        try await participant.publish(exchange: queue, body: Data("2".utf8))
        #expect(try await participant.receive(from: queue, amount: 1).map(\.body) == [Data("2".utf8)])

        try await participant.deleteQueue(queue)
        try await participant.deleteExchange(queue)
        await participant.disconnect()
        await setup.disconnect()
    }

    @Test func setupExplainsATypeClash() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("clash")
        try await transport.declareInport(queue: queue, options: PortOptions())
        let error = await #expect(throws: TransportError.self) {
            try await transport.execute([.declareQueue(name: queue, deadLetterExchange: "dead-" + queue, type: .quorum)])
        }
        #expect(error?.code == .preconditionFailed)
        #expect(error?.description.contains("exists on the broker as a classic queue but is declared as quorum") == true)
        #expect(error?.description.contains("rabbitmqctl delete_queue \(queue)") == true)
        #expect(try #require(try await management.queue(queue))["type"] as? String == "classic")
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }

    /// The first node of the URL is down (nothing listens there): the
    /// transport connects to the next one at once, without a backoff delay.
    @Test func aDownNodeOfTheURLIsSkipped() async throws {
        var url = AMQPTestBroker.url
        url.failover = [BrokerURL.Endpoint(host: url.host, port: url.port)]
        url.port = try Self.closedPort()
        var configuration = AMQPTestBroker.configuration()
        configuration.backoff = Backoff(initial: .seconds(30), maximum: .seconds(30), jitter: 0)
        let transport = try AMQPTransport(url: url, configuration: configuration)
        let started = ContinuousClock.now
        try await transport.connect()
        #expect(ContinuousClock.now - started < .seconds(10), "a backoff of 30 s would have come first")
        let queue = AMQPTestBroker.uniqueName("failover")
        try await transport.declareQueue(queue, options: PortOptions())
        try await transport.publish(queue: queue, body: Data("3".utf8))
        #expect(try await transport.receive(from: queue, amount: 1).map(\.body) == [Data("3".utf8)])
        try await transport.deleteQueue(queue)
        await transport.disconnect()
    }

    /// A nacked publish fails alone with `.publishRejected`; the transport
    /// starts a fresh connection (a nacking channel may be stuck), and the
    /// next publishes are confirmed.
    @Test func aNackedPublishFailsAloneAndLaterPublishesAreConfirmed() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("reject-publish")
        let body = Data(#"{"durable":true,"arguments":{"x-max-length":1,"x-overflow":"reject-publish"}}"#.utf8)
        let created = try await management.client.send("PUT", ["queues", "/", queue], json: body)
        #expect(created.status == 201)
        try await transport.publish(queue: queue, body: Data("1".utf8))
        let error = await #expect(throws: TransportError.self) {
            try await transport.publish(queue: queue, body: Data("2".utf8))
        }
        #expect(error?.code == .publishRejected)
        #expect(try await transport.receive(from: queue, amount: 1).map(\.body) == [Data("1".utf8)])
        try await transport.publish(queue: queue, body: Data("3".utf8))
        #expect(try await transport.receive(from: queue, amount: 1).map(\.body) == [Data("3".utf8)])
        try await transport.deleteQueue(queue)
        await transport.disconnect()
    }

    /// A port on this machine nothing listens on (bound, then closed).
    private static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
