import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

/// One step of a broker scenario. Consumers and connections are named so
/// the expectations read like a story.
enum BrokerStep: Sendable {
    case publish(exchange: String, key: String = "", body: String)
    case consume(String, queue: String, prefetch: Int, connection: String = "conn")
    /// `accepted: false` expects the broker to ignore it (the delivery is no longer held).
    case settle(String, body: String, Settlement, accepted: Bool = true)
    case stopConsumer(String)
    case removeConsumer(String)
    case closeConnection(String)
}

struct BrokerScenario: Sendable, CustomTestStringConvertible {
    var name: String
    var topology: [TopologyStep]
    var steps: [BrokerStep]
    /// What each consumer received, in order; a trailing `!` marks a redelivery.
    var delivered: [String: [String]]
    /// Messages waiting in each queue at the end.
    var ready: [String: Int] = [:]
    var testDescription: String { name }
}

/// Runs a scenario on a fresh broker and records the deliveries.
final class BrokerScenarioRunner: Sendable {
    let broker = InProcessBroker()
    private let log = LockedState([String: [BrokerDelivery]]())
    private let names = LockedState([InProcessConsumerID: String]())
    private let consumers = LockedState([String: InProcessConsumerID]())
    private let connections = LockedState([String: InProcessConnectionID]())

    func run(_ scenario: BrokerScenario) throws -> [String: [String]] {
        try broker.execute(scenario.topology)
        for step in scenario.steps {
            switch step {
            case .publish(let exchange, let key, let body):
                try broker.publish(exchange: exchange, routingKey: key, body: Data(body.utf8))
            case .consume(let name, let queue, let prefetch, let connectionName):
                let connection = connections.withLock { all in
                    if let existing = all[connectionName] { return existing }
                    let opened = broker.openConnection()
                    all[connectionName] = opened
                    return opened
                }
                log.withLock { $0[name] = [] }
                let names = self.names
                let log = self.log
                let id = try broker.addConsumer(queue: queue, prefetch: prefetch, connection: connection) { delivery in
                    let name = names.withLock { $0[delivery.consumer] } ?? "?"
                    log.withLock { $0[name, default: []].append(delivery) }
                }
                // Deliveries made inside addConsumer arrive before the name is known.
                names.withLock { $0[id] = name }
                log.withLock { all in
                    let early = all["?"] ?? []
                    all["?"] = nil
                    all[name, default: []].insert(contentsOf: early, at: 0)
                }
                consumers.withLock { $0[name] = id }
            case .settle(let name, let body, let settlement, let accepted):
                let delivery = log.withLock { all in all[name]?.last { String(decoding: $0.body, as: UTF8.self) == body } }
                guard let delivery else {
                    Issue.record("\(name) never received \(body)")
                    continue
                }
                #expect(broker.settle(delivery, settlement) == accepted, "settling \(body) of \(name)")
            case .stopConsumer(let name):
                if let id = consumers.withLock({ $0[name] }) { broker.stopConsumer(id) }
            case .removeConsumer(let name):
                if let id = consumers.withLock({ $0[name] }) { broker.removeConsumer(id) }
            case .closeConnection(let name):
                if let id = connections.withLock({ $0[name] }) { broker.closeConnection(id) }
            }
        }
        return log.withLock { all in
            all.mapValues { $0.map { String(decoding: $0.body, as: UTF8.self) + ($0.redelivered ? "!" : "") } }
        }
    }
}

@Suite("InProcessBroker semantics", .timeLimit(.minutes(1)), .logsOnFailure)
struct InProcessBrokerTests {
    static let inport: [TopologyStep] = [
        .declareQueue(name: "work.IN", deadLetterExchange: "dead-work.IN"),
        .declareExchange(name: "work.IN", type: .fanout),
        .bindQueue(queue: "work.IN", exchange: "work.IN", routingKey: ""),
    ]
    static let deadLetter: [TopologyStep] = [
        .declareExchange(name: "dead-work.IN", type: .fanout),
        .declareQueue(name: "deadletter", deadLetterExchange: nil),
        .bindQueue(queue: "deadletter", exchange: "dead-work.IN", routingKey: ""),
    ]

    static let scenarios: [BrokerScenario] = [
        BrokerScenario(
            name: "fanout gives every bound queue a copy",
            topology: [
                .declareExchange(name: "src.OUT", type: .fanout),
                .declareQueue(name: "a.IN", deadLetterExchange: nil), .declareQueue(name: "b.IN", deadLetterExchange: nil),
                .bindQueue(queue: "a.IN", exchange: "src.OUT", routingKey: ""),
                .bindQueue(queue: "b.IN", exchange: "src.OUT", routingKey: ""),
            ],
            steps: [
                .consume("a", queue: "a.IN", prefetch: 0), .consume("b", queue: "b.IN", prefetch: 0),
                .publish(exchange: "src.OUT", key: "anything", body: "m1"),
            ],
            delivered: ["a": ["m1"], "b": ["m1"]]),
        BrokerScenario(
            name: "direct exchange routes by exact key",
            topology: [
                .declareExchange(name: "d", type: .direct),
                .declareQueue(name: "q1", deadLetterExchange: nil), .declareQueue(name: "q2", deadLetterExchange: nil),
                .bindQueue(queue: "q1", exchange: "d", routingKey: "one"),
                .bindQueue(queue: "q2", exchange: "d", routingKey: "two"),
            ],
            steps: [
                .consume("c1", queue: "q1", prefetch: 0), .consume("c2", queue: "q2", prefetch: 0),
                .publish(exchange: "d", key: "one", body: "m1"), .publish(exchange: "d", key: "two", body: "m2"),
                .publish(exchange: "d", key: "three", body: "m3"),
            ],
            delivered: ["c1": ["m1"], "c2": ["m2"]]),
        BrokerScenario(
            name: "topic exchange matches * and #",
            topology: [
                .declareExchange(name: "t", type: .topic),
                .declareQueue(name: "star", deadLetterExchange: nil), .declareQueue(name: "hash", deadLetterExchange: nil),
                .bindQueue(queue: "star", exchange: "t", routingKey: "img.*"),
                .bindQueue(queue: "hash", exchange: "t", routingKey: "img.#"),
            ],
            steps: [
                .consume("star", queue: "star", prefetch: 0), .consume("hash", queue: "hash", prefetch: 0),
                .publish(exchange: "t", key: "img", body: "m1"), .publish(exchange: "t", key: "img.png", body: "m2"),
                .publish(exchange: "t", key: "img.png.small", body: "m3"), .publish(exchange: "t", key: "doc.pdf", body: "m4"),
            ],
            delivered: ["star": ["m2"], "hash": ["m1", "m2", "m3"]]),
        BrokerScenario(
            name: "exchange-to-exchange binding forwards, a cycle delivers once",
            topology: [
                .declareExchange(name: "src", type: .fanout), .declareExchange(name: "out-src", type: .direct),
                .declareQueue(name: "tgt", deadLetterExchange: nil),
                .bindExchange(destination: "out-src", source: "src", routingKey: ""),
                .bindExchange(destination: "src", source: "out-src", routingKey: ""),
                .bindQueue(queue: "tgt", exchange: "out-src", routingKey: ""),
            ],
            steps: [.consume("c", queue: "tgt", prefetch: 0), .publish(exchange: "src", body: "m1")],
            delivered: ["c": ["m1"]]),
        BrokerScenario(
            name: "default exchange publishes to the queue named by the key; unknown queue drops",
            topology: [.declareQueue(name: "direct.IN", deadLetterExchange: nil)],
            steps: [
                .publish(exchange: "", key: "direct.IN", body: "m1"), .publish(exchange: "", key: "nobody", body: "m2"),
                .consume("c", queue: "direct.IN", prefetch: 0),
            ],
            delivered: ["c": ["m1"]]),
        BrokerScenario(
            name: "round-robin across the consumers of one queue",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 0), .consume("b", queue: "work.IN", prefetch: 0),
                .publish(exchange: "work.IN", body: "m1"), .publish(exchange: "work.IN", body: "m2"),
                .publish(exchange: "work.IN", body: "m3"), .publish(exchange: "work.IN", body: "m4"),
            ],
            delivered: ["a": ["m1", "m3"], "b": ["m2", "m4"]]),
        BrokerScenario(
            name: "prefetch bounds unsettled messages; an ack frees a slot",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 2),
                .publish(exchange: "work.IN", body: "m1"), .publish(exchange: "work.IN", body: "m2"),
                .publish(exchange: "work.IN", body: "m3"), .publish(exchange: "work.IN", body: "m4"),
                .settle("a", body: "m1", .ack),
            ],
            delivered: ["a": ["m1", "m2", "m3"]], ready: ["work.IN": 1]),
        BrokerScenario(
            name: "round-robin skips a consumer whose prefetch is full",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 1), .consume("b", queue: "work.IN", prefetch: 3),
                .publish(exchange: "work.IN", body: "m1"), .publish(exchange: "work.IN", body: "m2"),
                .publish(exchange: "work.IN", body: "m3"), .publish(exchange: "work.IN", body: "m4"),
            ],
            delivered: ["a": ["m1"], "b": ["m2", "m3", "m4"]]),
        BrokerScenario(
            name: "reject dead-letters to the bound dead-letter queue",
            topology: inport + deadLetter,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 1), .consume("dead", queue: "deadletter", prefetch: 0),
                .publish(exchange: "work.IN", body: "m1"), .settle("a", body: "m1", .reject),
            ],
            delivered: ["a": ["m1"], "dead": ["m1"]], ready: ["work.IN": 0]),
        BrokerScenario(
            name: "reject without a dead-letter exchange drops",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 1),
                .publish(exchange: "work.IN", body: "m1"), .settle("a", body: "m1", .reject),
                .publish(exchange: "work.IN", body: "m2"),
            ],
            delivered: ["a": ["m1", "m2"]], ready: ["work.IN": 0]),
        BrokerScenario(
            name: "requeue redelivers to the next consumer, marked redelivered",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 1), .consume("b", queue: "work.IN", prefetch: 1),
                .publish(exchange: "work.IN", body: "m1"), .settle("a", body: "m1", .requeue),
            ],
            delivered: ["a": ["m1"], "b": ["m1!"]]),
        BrokerScenario(
            name: "removing a consumer redelivers its unsettled messages in order",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 5),
                .publish(exchange: "work.IN", body: "m1"), .publish(exchange: "work.IN", body: "m2"),
                .publish(exchange: "work.IN", body: "m3"), .settle("a", body: "m2", .ack),
                .removeConsumer("a"), .consume("b", queue: "work.IN", prefetch: 5),
            ],
            delivered: ["a": ["m1", "m2", "m3"], "b": ["m1!", "m3!"]]),
        BrokerScenario(
            name: "closing a connection redelivers to consumers of other connections",
            topology: inport,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 5, connection: "dies"),
                .consume("b", queue: "work.IN", prefetch: 5, connection: "lives"),
                .publish(exchange: "work.IN", body: "m1"), .publish(exchange: "work.IN", body: "m2"),
                .closeConnection("dies"), .settle("a", body: "m1", .ack, accepted: false),
            ],
            delivered: ["a": ["m1"], "b": ["m2", "m1!"]]),
        BrokerScenario(
            name: "a stopped consumer gets nothing new but can still settle",
            topology: inport + deadLetter,
            steps: [
                .consume("a", queue: "work.IN", prefetch: 5), .consume("dead", queue: "deadletter", prefetch: 0),
                .publish(exchange: "work.IN", body: "m1"), .stopConsumer("a"),
                .publish(exchange: "work.IN", body: "m2"), .settle("a", body: "m1", .reject),
            ],
            delivered: ["a": ["m1"], "dead": ["m1"]], ready: ["work.IN": 1]),
        BrokerScenario(
            name: "messages published before any consumer wait in the queue",
            topology: inport,
            steps: [
                .publish(exchange: "work.IN", body: "m1"), .publish(exchange: "work.IN", body: "m2"),
                .consume("a", queue: "work.IN", prefetch: 1),
            ],
            delivered: ["a": ["m1"]], ready: ["work.IN": 1]),
    ]

    @Test(arguments: scenarios)
    func scenario(_ scenario: BrokerScenario) throws {
        let runner = BrokerScenarioRunner()
        let delivered = try runner.run(scenario)
        #expect(delivered == scenario.delivered)
        for (queue, count) in scenario.ready {
            #expect(runner.broker.readyCount(queue: queue) == count, "ready messages in \(queue)")
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var topology: [TopologyStep]
        var failing: TopologyStep?
        var publishTo: String?
        var expected: TransportError
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            name: "redeclaring a queue with another dead-letter exchange",
            topology: [.declareQueue(name: "q", deadLetterExchange: "dead-q")],
            failing: .declareQueue(name: "q", deadLetterExchange: nil),
            expected: .inProcessPreconditionFailed(
                "queue 'q' exists with \(InProcessQueueOptions(deadLetterExchange: "dead-q")), redeclared with \(InProcessQueueOptions())", name: "q")
        ),
        ErrorCase(
            name: "redeclaring an exchange with another type",
            topology: [.declareExchange(name: "x", type: .fanout)],
            failing: .declareExchange(name: "x", type: .direct),
            expected: .inProcessPreconditionFailed(
                "exchange 'x' exists as fanout durable=true autoDelete=false, redeclared as direct durable=true autoDelete=false", name: "x")),
        ErrorCase(
            name: "binding to a missing exchange",
            topology: [.declareQueue(name: "q", deadLetterExchange: nil)],
            failing: .bindQueue(queue: "q", exchange: "nope", routingKey: ""),
            expected: .inProcessNoSuchExchange("nope")),
        ErrorCase(
            name: "binding a missing queue",
            topology: [.declareExchange(name: "x", type: .fanout)],
            failing: .bindQueue(queue: "nope", exchange: "x", routingKey: ""),
            expected: .inProcessNoSuchQueue("nope")),
        ErrorCase(
            name: "declaring the default exchange",
            topology: [], failing: .declareExchange(name: "", type: .direct),
            expected: .inProcessAccessRefused("the default exchange cannot be declared")),
        ErrorCase(
            name: "publishing to a missing exchange",
            topology: [], publishTo: "nope", expected: .inProcessNoSuchExchange("nope")),
    ]

    @Test(arguments: errorCases)
    func refusesLikeRabbitMQ(_ errorCase: ErrorCase) throws {
        let broker = InProcessBroker()
        try broker.execute(errorCase.topology)
        #expect(throws: errorCase.expected) {
            if let failing = errorCase.failing { try broker.execute([failing]) }
            if let exchange = errorCase.publishTo { try broker.publish(exchange: exchange, body: Data()) }
        }
    }

    @Test func redeclaringIdenticallyIsIdempotent() throws {
        let broker = InProcessBroker()
        try broker.execute(Self.inport + Self.inport)
        try broker.publish(exchange: "work.IN", body: Data("m".utf8))
        #expect(broker.readyCount(queue: "work.IN") == 1, "one binding, not two")
    }

    @Test func autoDeleteQueueGoesWithItsLastConsumer() throws {
        let broker = InProcessBroker()
        try broker.declareQueue("tmp", options: InProcessQueueOptions(durable: false, autoDelete: true))
        let connection = broker.openConnection()
        let consumer = try broker.addConsumer(queue: "tmp", prefetch: 1, connection: connection) { _ in }
        #expect(broker.queueExists("tmp"))
        broker.removeConsumer(consumer)
        #expect(!broker.queueExists("tmp"))
    }

    @Test func settlingTwiceIsRefusedNotFatal() throws {
        let broker = InProcessBroker()
        try broker.execute(Self.inport)
        let received = LockedState([BrokerDelivery]())
        _ = try broker.addConsumer(queue: "work.IN", prefetch: 1, connection: broker.openConnection()) { delivery in
            received.withLock { $0.append(delivery) }
        }
        try broker.publish(exchange: "work.IN", body: Data("m".utf8))
        let delivery = try #require(received.withLock { $0.first })
        #expect(broker.settle(delivery, .ack))
        #expect(!broker.settle(delivery, .ack))
        #expect(broker.unsettledCount(queue: "work.IN") == 0)
    }

    @Test(arguments: [
        ("direct://alpha", "alpha"), ("direct://beta/extra", "beta"),
    ])
    func namedURLsShareOneBroker(url: String, name: String) throws {
        let first = try InProcessBroker.named(url: url)
        #expect(first === InProcessBroker.named(name))
        #expect(first.name == name)
    }

    @Test(arguments: ["amqp://localhost", "direct://", "direct:/x"])
    func rejectsOtherURLs(url: String) {
        #expect(throws: TransportError.inProcessInvalidURL(url)) { try InProcessBroker.named(url: url) }
    }

    @Test(arguments: [
        ("a.*", "a.b", true), ("a.*", "a", false), ("a.*", "a.b.c", false),
        ("a.#", "a", true), ("a.#", "a.b.c", true), ("#", "", true), ("#.c", "a.b.c", true),
        ("*.b.*", "a.b.c", true), ("a.b", "a.b", true), ("a.b", "a.c", false),
    ])
    func topicPatterns(pattern: String, key: String, matches: Bool) {
        #expect(TopicPattern.matches(pattern: pattern, routingKey: key) == matches)
    }
}
