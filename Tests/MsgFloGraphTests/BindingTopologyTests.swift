import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

struct TopologyCase: CustomTestStringConvertible, Sendable {
    var binding: Binding
    var endpoints: TopologyPlan.Endpoints
    var setup: [TopologyStep]
    var removal: [TopologyStep]
    var testDescription: String { "\(binding.summary) \(endpoints)" }
}

let topologyCases: [TopologyCase] = [
    TopologyCase(
        binding: Binding(kind: .pubsub, source: "a.OUT", target: "b.IN"), endpoints: .assumeExisting,
        setup: [.bindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: "")],
        removal: [.unbindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: "")]),
    TopologyCase(
        binding: Binding(kind: .pubsub, source: "a.OUT", target: "b.IN"), endpoints: .declareLikeParticipants,
        setup: [
            .declareExchange(name: "a.OUT", type: .fanout),
            .declareQueue(name: "b.IN", deadLetterExchange: "dead-b.IN"),
            .declareExchange(name: "b.IN", type: .fanout),
            .bindQueue(queue: "b.IN", exchange: "b.IN", routingKey: ""),
            .bindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: ""),
        ],
        removal: [.unbindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: "")]),
    TopologyCase(
        binding: Binding(kind: .roundrobin, source: "api.OUT", target: "worker.IN"), endpoints: .assumeExisting,
        setup: [
            .declareExchange(name: "out-api.OUT", type: .direct),
            .bindExchange(destination: "out-api.OUT", source: "api.OUT", routingKey: ""),
            .bindQueue(queue: "worker.IN", exchange: "out-api.OUT", routingKey: ""),
        ],
        removal: [
            .unbindQueue(queue: "worker.IN", exchange: "out-api.OUT", routingKey: ""),
            .unbindExchange(destination: "out-api.OUT", source: "api.OUT", routingKey: ""),
        ]),
    TopologyCase(
        binding: Binding(kind: .deadletter, source: "worker.IN", target: "drop.IN"), endpoints: .assumeExisting,
        setup: [
            .declareExchange(name: "dead-worker.IN", type: .fanout),
            .bindQueue(queue: "drop.IN", exchange: "dead-worker.IN", routingKey: ""),
        ],
        removal: [.unbindQueue(queue: "drop.IN", exchange: "dead-worker.IN", routingKey: "")]),
    TopologyCase(
        binding: Binding(kind: .deadletter, source: "worker.IN", target: "drop.IN"), endpoints: .declareLikeParticipants,
        setup: [
            .declareQueue(name: "worker.IN", deadLetterExchange: "dead-worker.IN"),
            .declareExchange(name: "worker.IN", type: .fanout),
            .bindQueue(queue: "worker.IN", exchange: "worker.IN", routingKey: ""),
            .declareQueue(name: "drop.IN", deadLetterExchange: "dead-drop.IN"),
            .declareExchange(name: "drop.IN", type: .fanout),
            .bindQueue(queue: "drop.IN", exchange: "drop.IN", routingKey: ""),
            .declareExchange(name: "dead-worker.IN", type: .fanout),
            .bindQueue(queue: "drop.IN", exchange: "dead-worker.IN", routingKey: ""),
        ],
        removal: [.unbindQueue(queue: "drop.IN", exchange: "dead-worker.IN", routingKey: "")]),
]

@Test(.logsOnFailure, arguments: topologyCases)
func topologyMatchesMsgfloNodejs(_ testCase: TopologyCase) {
    #expect(TopologyPlan.setupSteps(for: testCase.binding, endpoints: testCase.endpoints) == testCase.setup)
    #expect(TopologyPlan.removalSteps(for: testCase.binding) == testCase.removal)
}

@Test(.logsOnFailure) func topologyForAGraphDeclaresEachEndpointOnceAndRemovesInReverse() throws {
    let graph = try FBPParser.parse("a(A) OUT -> IN b(B)\na OUT -> IN c(C)\nb OUT -> IN c")
    let bindings = try BindingPlan.bindings(for: graph)
    let steps = TopologyPlan.setupSteps(for: bindings)
    #expect(steps.filter { $0 == .declareExchange(name: "a.OUT", type: .fanout) }.count == 1)
    #expect(steps.filter { $0 == .declareQueue(name: "c.IN", deadLetterExchange: "dead-c.IN") }.count == 1)
    #expect(steps.filter { if case .bindQueue = $0 { true } else { false } }.count == 5) // 3 edges + 2 inport self-bindings
    #expect(
        TopologyPlan.removalSteps(for: bindings) == [
            .unbindQueue(queue: "c.IN", exchange: "b.OUT", routingKey: ""),
            .unbindQueue(queue: "c.IN", exchange: "a.OUT", routingKey: ""),
            .unbindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: ""),
        ])
    // Removal never deletes anything.
    #expect(
        TopologyPlan.removalSteps(for: bindings).allSatisfy {
            switch $0 {
            case .unbindQueue, .unbindExchange: true
            default: false
            }
        })
}

@Test(
    .logsOnFailure,
    arguments: [
        (RoleFilter.parse(), ["web", "resize", "store"]),
        (RoleFilter.parse(ignore: ["web"]), ["resize", "store"]),
        (RoleFilter.parse(ignore: ["web,store"]), ["resize"]),
        (RoleFilter.parse(only: ["store", "web"]), ["web", "store"]),
        (RoleFilter.parse(only: ["web, resize"], ignore: ["resize"]), ["web"]),
        (RoleFilter.parse(only: [""]), ["web", "resize", "store"]),
    ])
func roleFilterSelectsParticipantsInGraphOrder(filter: RoleFilter, roles: [String]) throws {
    let graph = try FBPParser.parse("web(Api) OUT -> IN jobs(msgflo/RoundRobin) OUT -> IN resize(Resize)\nresize OUT -> IN store(Store)")
    #expect(try filter.participants(of: graph).map(\.name) == roles)
}

@Test(.logsOnFailure) func roleFilterRejectsOnlyRolesTheGraphLacks() throws {
    let graph = try FBPParser.parse("web(Api) OUT -> IN resize(Resize)")
    #expect(throws: RoleFilterError(unknownRoles: ["rezise"], knownRoles: ["web", "resize"])) {
        try RoleFilter.parse(only: ["web,rezise"]).participants(of: graph)
    }
}
