import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// `--participants`: processes follow the running graph's nodes.
@Suite(.logsOnFailure) struct ProcessManagementTests {
    static let g: JSONValue = "imageresize"

    static func managed() -> Harness {
        Harness(configuration: Fixtures.configuration(manage: true))
    }

    @Test func startRunsEveryParticipantNodeAndStopStopsThem() {
        var harness = Self.managed()
        let started = harness.request("network", "start", ["graph": Self.g])
        #expect(
            started.actionSummaries.filter { $0.hasPrefix("start") } == [
                "start web: imageresize web --role web", "start resize: imageresize resize --role resize",
                "start store: imageresize store --role store",
            ])
        let stopped = harness.request("network", "stop", ["graph": Self.g])
        #expect(stopped.actionSummaries == ["stop web", "stop resize", "stop store"])
    }

    @Test func withoutTheOptionNoProcessIsTouched() {
        var harness = Harness()
        let started = harness.request("network", "start", ["graph": Self.g])
        #expect(!started.actionSummaries.contains { $0.hasPrefix("start") })
    }

    @Test func nodesStartAndStopTheirProcesses() {
        var harness = Self.managed()
        harness.feed(.startNetwork(graph: "imageresize"))
        let added = harness.request("graph", "addnode", ["id": "resize2", "component": "imageresize/ResizeImage", "graph": Self.g])
        #expect(added.actionSummaries == ["start resize2: imageresize resize --role resize2"])
        let renamed = harness.request("graph", "renamenode", ["from": "resize2", "to": "thumbs", "graph": Self.g])
        #expect(renamed.actionSummaries == ["stop resize2", "start thumbs: imageresize resize --role thumbs"])
        let removed = harness.request("graph", "removenode", ["id": "thumbs", "graph": Self.g])
        #expect(removed.actionSummaries == ["stop thumbs"])
        #expect(harness.coordinator.runningProcesses == ["web", "resize", "store"])
    }

    @Test func aComponentWithoutCommandIsReportedOnce() {
        var harness = Self.managed()
        harness.feed(.startNetwork(graph: "imageresize"))
        let added = harness.request("graph", "addnode", ["id": "x", "component": "lib/Unknown", "graph": Self.g])
        #expect(added.commands(to: "a") == ["graph:addnode", "network:error"])
        #expect(added.messages(to: "b").last?.errorText.contains("cannot start 'x': No component lib/Unknown") == true)
        let again = harness.request("graph", "changenode", ["id": "x", "metadata": ["x": 1], "graph": Self.g])
        #expect(again.commands(to: "a") == ["graph:changenode"])
        let routing = harness.request("graph", "addnode", ["id": "rr", "component": "msgflo/RoundRobin", "graph": Self.g])
        #expect(routing.actions.isEmpty, "routing nodes are never processes")
    }

    @Test func anExitedProcessWaitsForStart() {
        var harness = Self.managed()
        harness.feed(.startNetwork(graph: "imageresize"))
        let exited = harness.feed(.processExited(role: "resize", status: 1))
        #expect(exited.commands(to: "a") == ["network:error"])
        #expect(exited.messages(to: "a").first?.errorText.contains("'resize' exited with status 1") == true)
        #expect(exited.actions.isEmpty)
        let edit = harness.request(
            "graph", "addedge", ["src": Fixtures.port("web", "resizeimage"), "tgt": Fixtures.port("store", "in"), "graph": Self.g])
        #expect(!edit.actionSummaries.contains { $0.hasPrefix("start") }, "no crash loop")
        let restart = harness.request("network", "start", ["graph": Self.g])
        #expect(restart.actionSummaries.filter { $0.hasPrefix("start") } == ["start resize: imageresize resize --role resize"])
        #expect(harness.feed(.processExited(role: "ghost", status: 0)).isEmpty, "exits of processes it did not start are ignored")
    }
}
