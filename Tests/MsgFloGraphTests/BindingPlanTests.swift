import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

struct BindingPlanCase: CustomTestStringConvertible, Sendable {
    var name: String
    var fbp: String
    var expected: [Binding]
    var testDescription: String { name }
}

let bindingPlanCases: [BindingPlanCase] = [
    BindingPlanCase(
        name: "image-resize graph",
        fbp:
            "web(imageresize/HttpApi) RESIZEIMAGE -> IN resize(imageresize/ResizeImage)\nresize OUT -> IN store(imageresize/StoreResult)\nresize ERROR -> IN store",
        expected: [
            Binding(source: "web.RESIZEIMAGE", target: "resize.IN"),
            Binding(source: "resize.OUT", target: "store.IN"),
            Binding(source: "resize.ERROR", target: "store.IN"),
        ]),
    BindingPlanCase(
        name: "pubsub fan-out: every inport gets a copy",
        fbp: "a(A) OUT -> IN b(B)\na OUT -> IN c(C)",
        expected: [Binding(source: "a.OUT", target: "b.IN"), Binding(source: "a.OUT", target: "c.IN")]),
    BindingPlanCase(
        name: "pubsub fan-in",
        fbp: "a(A) OUT -> IN c(C)\nb(B) OUT -> IN c",
        expected: [Binding(source: "a.OUT", target: "c.IN"), Binding(source: "b.OUT", target: "c.IN")]),
    BindingPlanCase(
        name: "repeat chain of three roles, IIP binds nothing, duplicate edge bound once",
        fbp: "'x' -> IN r1(Repeat) OUT -> IN r2(Repeat) OUT -> IN r3(Repeat)\nr1 OUT -> IN r2",
        expected: [Binding(source: "r1.OUT", target: "r2.IN"), Binding(source: "r2.OUT", target: "r3.IN")]),
    BindingPlanCase(
        name: "roundrobin with deadletter (msgflo spec/fixtures/simple.fbp)",
        fbp:
            "s_api(Repeat) OUT -> IN s_jobs(msgflo/RoundRobin) OUT -> IN s_worker(ErrorIf)\ns_worker OUT -> IN s_api\ns_jobs DEADLETTER -> DROP s_drop(Drop)",
        expected: [
            Binding(kind: .pubsub, source: "s_worker.OUT", target: "s_api.IN"),
            Binding(kind: .roundrobin, source: "s_api.OUT", target: "s_worker.IN"),
            Binding(kind: .deadletter, source: "s_worker.IN", target: "s_drop.DROP"),
        ]),
    BindingPlanCase(
        name: "roundrobin fed by two roles, no deadletter",
        fbp: "a(A) OUT -> IN jobs(msgflo/RoundRobin) OUT -> JOB w(W)\nb(B) OUT -> IN jobs",
        expected: [
            Binding(kind: .roundrobin, source: "a.OUT", target: "w.JOB"),
            Binding(kind: .roundrobin, source: "b.OUT", target: "w.JOB"),
        ]),
    BindingPlanCase(
        name: "msgflo/PubSub node joins each source to each target",
        fbp: "a(A) OUT -> IN hub(msgflo/PubSub)\nhub OUT -> IN b(B)\nhub OUT -> IN c(C)",
        expected: [Binding(source: "a.OUT", target: "b.IN"), Binding(source: "a.OUT", target: "c.IN")]),
]

@Test(.logsOnFailure, arguments: bindingPlanCases)
func bindingPlanFollowsMsgfloSetup(_ testCase: BindingPlanCase) throws {
    let graph = try FBPParser.parse(testCase.fbp)
    #expect(try BindingPlan.bindings(for: graph) == testCase.expected)
}

@Test(.logsOnFailure) func bindingPlanUsesDiscoveredQueueNames() throws {
    let graph = try FBPParser.parse("web(Api) JOB -> IN resize(Resize)\nresize OUT -> IN store(Store)")
    // msgflo-python style names for resize; store not discovered -> convention.
    let resize = ParticipantDefinition(
        id: "resize-1", role: "resize", component: "Resize",
        inports: [PortDefinition(id: "in", queue: "resize/in")],
        outports: [PortDefinition(id: "out", queue: "resize/out")])
    let web = ParticipantDefinition(
        id: "web-1", role: "web", component: "Api", inports: [],
        outports: [PortDefinition(id: "JOB", queue: "custom-jobs")])
    let bindings = try BindingPlan.bindings(for: graph, queues: DiscoveredQueues([resize, web]))
    #expect(bindings == [Binding(source: "custom-jobs", target: "resize/in"), Binding(source: "resize/out", target: "store.IN")])
}

@Test(.logsOnFailure) func bindingPlanAcceptsAnyResolverFunction() throws {
    let graph = try FBPParser.parse("a(A) OUT -> IN b(B)")
    let resolver = QueueResolver { role, port, direction in "\(direction.rawValue):\(role)/\(port)" }
    #expect(try BindingPlan.bindings(for: graph, queues: resolver) == [Binding(source: "outport:a/out", target: "inport:b/in")])
}

@Test(
    .logsOnFailure,
    arguments: [
        ("a(A) OUT -> IN jobs(msgflo/RoundRobin)", BindingPlanError.roundRobinWithoutTarget(node: "jobs")),
        ("jobs(msgflo/RoundRobin) DEADLETTER -> IN d(D)", BindingPlanError.roundRobinWithoutTarget(node: "jobs")),
        (
            "a(A) OUT -> IN jobs(msgflo/RoundRobin) OUT -> IN b(B)\njobs OUT -> IN c(C)",
            BindingPlanError.roundRobinWithSeveralTargets(node: "jobs", targets: ["b.IN", "c.IN"])
        ),
        ("a(msgflo/RoundRobin) OUT -> IN b(msgflo/PubSub)", BindingPlanError.routingNodesChained(from: "a", to: "b")),
    ])
func bindingPlanRejectsIncompleteRoutingNodes(fbp: String, expected: BindingPlanError) throws {
    let graph = try FBPParser.parse(fbp)
    #expect(throws: expected) { try BindingPlan.bindings(for: graph) }
}

@Test(.logsOnFailure) func bindingPlanRejectsUndeclaredProcessesOfJSONGraphs() {
    let graph = Graph(
        processes: [GraphProcess(name: "a", component: "A")],
        connections: [GraphConnection(from: PortRef(process: "a", port: "out"), to: PortRef(process: "ghost", port: "in"))])
    #expect(throws: BindingPlanError.unknownProcess("ghost", connection: "a.out -> ghost.in")) { try BindingPlan.bindings(for: graph) }
}

@Test(.logsOnFailure) func bindingPlanRejectsPortsADiscoveredParticipantLacks() throws {
    let graph = try FBPParser.parse("a(A) OUT -> IN b(B)")
    let b = ParticipantDefinition(id: "b-1", role: "b", component: "B", inports: [PortDefinition(id: "data", queue: "b.DATA")], outports: [])
    #expect(throws: BindingPlanError.unknownPort(role: "b", port: "in", direction: .inport, known: ["data"])) {
        try BindingPlan.bindings(for: graph, queues: DiscoveredQueues([b]))
    }
    let message = BindingPlanError.unknownPort(role: "b", port: "in", direction: .inport, known: ["data"]).description
    #expect(message.contains("role 'b' announced no inport 'in' (its inports: data)"))
}

@Test(.logsOnFailure) func bindingSummaryNamesKindAndEnds() {
    #expect(Binding(kind: .roundrobin, source: "a.OUT", target: "b.IN").summary == "ROUNDROBIN a.OUT -> b.IN")
}
