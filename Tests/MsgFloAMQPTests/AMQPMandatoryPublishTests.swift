import Foundation
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloAMQP

/// `mandatory` publishes and the `x-msgflo-deliveries` header against the real RabbitMQ (MSGFLO_TEST_BROKER).
@Suite("AMQP mandatory publish", .tags(.amqpIntegration), .timeLimit(.minutes(2)), .logsOnFailure)
struct AMQPMandatoryPublishTests {
    @Test func mandatoryPublishToAnUnboundExchangeFailsUnroutable() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let exchange = AMQPTestBroker.uniqueName("unbound")
        try await transport.declareOutport(exchange: exchange, options: PortOptions())
        // Without mandatory the broker confirms and drops it: the loss nobody sees.
        try await transport.publish(exchange: exchange, body: Data("{}".utf8))
        let error = await #expect(throws: TransportError.self) {
            try await transport.publish(exchange: exchange, body: Data("{}".utf8), options: PublishOptions(mandatory: true))
        }
        #expect(error?.code == .unroutable)
        #expect(error?.isTransient == false)
        #expect(error?.replyCode == 312)
        #expect(error?.queue == exchange)
        #expect(error?.description.contains("msgflo setup") == true)
        // The channel is still good.
        try await transport.publish(exchange: exchange, body: Data("{}".utf8))
        try await transport.deleteExchange(exchange)
        await transport.disconnect()
    }

    @Test func pipelinedMandatoryPublishesEachGetTheirOwnAnswer() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let bound = AMQPTestBroker.uniqueName("bound")
        let unbound = AMQPTestBroker.uniqueName("unbound")
        try await transport.declareInport(queue: bound, options: PortOptions())
        try await transport.declareOutport(exchange: unbound, options: PortOptions())
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for index in 0..<40 {
                group.addTask {
                    do {
                        try await transport.publish(
                            exchange: index.isMultiple(of: 3) ? unbound : bound, body: Data("\(index)".utf8),
                            options: PublishOptions(mandatory: true))
                        return (index, "confirmed")
                    } catch {
                        return (index, (error as? TransportError)?.code.description ?? "\(error)")
                    }
                }
            }
            var results: [Int: String] = [:]
            for await (index, code) in group { results[index] = code }
            return results
        }
        for index in 0..<40 {
            #expect(results[index] == (index.isMultiple(of: 3) ? "unroutable" : "confirmed"), "publish \(index)")
        }
        let received = try await transport.receive(from: bound, amount: 26)
        #expect(Set(received.map { String(decoding: $0.body, as: UTF8.self) }).count == 26)
        try await transport.deleteQueue(bound)
        for exchange in [bound, unbound] { try await transport.deleteExchange(exchange) }
        await transport.disconnect()
    }

    /// A batch answers once: after every message is confirmed, or with the
    /// first failure; single publishes beside it keep their own answers.
    @Test func aBatchIsConfirmedAsOneOrFailsAsOne() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let bound = AMQPTestBroker.uniqueName("batch")
        let unbound = AMQPTestBroker.uniqueName("batch-unbound")
        try await transport.declareInport(queue: bound, options: PortOptions())
        try await transport.declareOutport(exchange: unbound, options: PortOptions())
        let bodies = (0..<300).map { Data("\($0)".utf8) }
        async let single: Void = transport.publish(exchange: bound, body: Data("single".utf8), options: PublishOptions(mandatory: true))
        try await transport.publish(exchange: bound, bodies: bodies, options: PublishOptions(mandatory: true))
        try await single
        try await transport.publish(exchange: bound, bodies: [], options: PublishOptions(mandatory: true))
        let received = try await transport.receive(from: bound, amount: 301)
        #expect(Set(received.map(\.body)) == Set(bodies + [Data("single".utf8)]))

        let error = await #expect(throws: TransportError.self) {
            try await transport.publish(exchange: unbound, bodies: bodies, options: PublishOptions(mandatory: true))
        }
        #expect(error?.code == .unroutable)
        // The channel is still good.
        try await transport.publish(exchange: bound, bodies: [Data("after".utf8)], options: PublishOptions(mandatory: true))
        #expect(try await transport.receive(from: bound, amount: 1).map(\.body) == [Data("after".utf8)])
        try await transport.deleteQueue(bound)
        for exchange in [bound, unbound] { try await transport.deleteExchange(exchange) }
        await transport.disconnect()
    }

    @Test func deliveriesHeaderTravelsWithTheMessage() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("deliveries")
        try await transport.declareInport(queue: queue, options: PortOptions())
        try await transport.publish(queue: queue, body: Data("a".utf8), options: PublishOptions(deliveries: 3))
        try await transport.publish(queue: queue, body: Data("b".utf8))
        let received = try await transport.receive(from: queue, amount: 2)
        let byBody = Dictionary(uniqueKeysWithValues: received.map { (String(decoding: $0.body, as: UTF8.self), $0.deliveries) })
        #expect(byBody == ["a": 3, "b": 0])
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }
}

/// Which publishes of an ack the `basic.return`s before it belong to.
@Suite("AMQPReturn.match", .logsOnFailure)
struct AMQPReturnMatchTests {
    static func outgoing(_ exchange: String, mandatory: Bool = true) -> AMQPOutgoing {
        AMQPOutgoing(exchange: exchange, routingKey: "", body: Data(), mandatory: mandatory)
    }

    static func returned(_ exchange: String) -> AMQPReturn {
        AMQPReturn(exchange: exchange, routingKey: "", code: 312, text: "NO_ROUTE")
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var returns: [String]
        var settled: [(String, Bool)]
        /// Indexes of settled publishes that were returned.
        var failed: [Int]
        /// Returns still held afterwards (their publishes are not settled yet).
        var held: [String] = []
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "nothing returned", returns: [], settled: [("a", true), ("b", true)], failed: []),
        Row(name: "the one acked", returns: ["u"], settled: [("u", true)], failed: [0]),
        Row(name: "newest of a multiple ack", returns: ["u"], settled: [("u", true), ("b", true), ("u", true)], failed: [2]),
        Row(name: "two returns", returns: ["u", "v"], settled: [("u", true), ("v", true), ("b", true)], failed: [0, 1]),
        Row(name: "not mandatory is never returned", returns: ["u"], settled: [("u", true), ("u", false)], failed: [0]),
        Row(name: "a return for another exchange pairs with nothing", returns: ["x"], settled: [("u", true)], failed: [], held: ["x"]),
        Row(name: "no settled publishes", returns: ["u"], settled: [], failed: [], held: ["u"]),
        Row(
            name: "an ack out of order: a delivered publish settles before a returned one", returns: ["u"],
            settled: [("b", true)], failed: [], held: ["u"]),
        Row(name: "the older return waits for its own ack", returns: ["u", "v"], settled: [("v", true)], failed: [0], held: ["u"]),
    ]

    @Test(arguments: rows)
    func pairs(_ row: Row) {
        var returns = row.returns.map(Self.returned)
        let matched = AMQPReturn.match(&returns, to: row.settled.map { Self.outgoing($0.0, mandatory: $0.1) })
        #expect(matched.count == row.settled.count)
        #expect(matched.indices.filter { matched[$0] != nil } == row.failed)
        #expect(returns.map(\.exchange) == row.held)
    }
}
