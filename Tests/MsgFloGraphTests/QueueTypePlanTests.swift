import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

@Suite("Queue types from the graph", .logsOnFailure)
struct QueueTypePlanTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var fbp: String
        var deployment: QueueType?
        var expected: [String: QueueType]
        var testDescription: String { name }
    }

    static let edges = "web(Api) OUT -> IN resize(Resize)\nresize OUT -> IN store(Store)\nresize ERROR -> ERRORS store"

    @Test(arguments: [
        Case(name: "nothing set: classic everywhere", fbp: edges, deployment: nil, expected: [:]),
        Case(
            name: "the deployment's", fbp: edges, deployment: .quorum,
            expected: ["resize.IN": .quorum, "store.IN": .quorum, "store.ERRORS": .quorum]),
        Case(
            name: "the graph's over the deployment's", fbp: "# @queueType quorum\n" + edges, deployment: .classic,
            expected: ["resize.IN": .quorum, "store.IN": .quorum, "store.ERRORS": .quorum]),
        Case(
            name: "a node's over the graph's",
            fbp: "# @queueType quorum\nweb(Api) OUT -> IN resize(Resize:queueType=classic)\nresize OUT -> IN store(Store)",
            deployment: nil, expected: ["resize.IN": .classic, "store.IN": .quorum]),
        Case(
            name: "a port's over its node's",
            fbp:
                "web(Api) OUT -> IN resize(Resize)\nresize OUT -> IN store(Store:queueType=quorum,queueType_ERRORS=classic)\nresize ERROR -> ERRORS store",
            deployment: nil, expected: ["store.IN": .quorum, "store.ERRORS": .classic]),
        Case(
            name: "routing nodes have no queues of their own",
            fbp: "# @queueType quorum\na(A) OUT -> IN rr(msgflo/RoundRobin) OUT -> IN b(B)", deployment: nil,
            expected: ["b.IN": .quorum]),
    ])
    func types(_ example: Case) throws {
        let graph = try FBPParser.parse(example.fbp)
        #expect(try QueueTypePlan.types(for: graph, deploymentDefault: example.deployment) == example.expected)
    }

    @Test func anUnknownTypeIsNamedWithWhereItIs() throws {
        let graph = try FBPParser.parse("a(A) OUT -> IN b(B:queueType=stream)")
        #expect(throws: BindingPlanError.invalidQueueType(place: "queueType of node 'b'", value: "stream")) {
            try QueueTypePlan.types(for: graph)
        }
        #expect(
            BindingPlanError.invalidQueueType(place: "queueType of node 'b'", value: "stream").description
                == "queueType of node 'b' is 'stream'; a queue type is classic or quorum")
    }

    @Test func setupDeclaresQuorumQueuesWithTheirType() throws {
        let steps = TopologyPlan.setupSteps(
            for: [Binding(kind: .pubsub, source: "a.OUT", target: "b.IN")], queueTypes: ["b.IN": .quorum])
        #expect(steps.contains(.declareQueue(name: "b.IN", deadLetterExchange: "dead-b.IN", type: .quorum)))
        let deadletter = TopologyPlan.setupSteps(
            for: [Binding(kind: .deadletter, source: "b.IN", target: "dead.IN")], queueTypes: ["b.IN": .quorum])
        #expect(deadletter.contains(.declareQueue(name: "b.IN", deadLetterExchange: "dead-b.IN", type: .quorum)))
        #expect(deadletter.contains(.declareQueue(name: "dead.IN", deadLetterExchange: "dead-dead.IN", type: nil)))
    }
}
