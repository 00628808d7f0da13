import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// What the shell could not do is reported and forgotten, so it is tried again.
@Suite(.logsOnFailure) struct ActionFailureTests {
    @Test func aFailedBindIsReportedAndRetriedAtTheNextChange() {
        var harness = Harness()
        let started = harness.feed(.startNetwork(graph: "imageresize"))
        let bind = started.actions[0]
        let failed = harness.feed(.actionFailed(bind, reason: "NOT_FOUND - no exchange"))
        #expect(failed.commands(to: "a") == ["network:error"])
        #expect(failed.messages(to: "a").first?.errorText == "could not bind PUBSUB web.RESIZEIMAGE -> resize.IN: NOT_FOUND - no exchange")
        #expect(harness.coordinator.appliedBindings("imageresize").count == 2)
        let retried = harness.request("network", "start", ["graph": "imageresize"])
        #expect(retried.actionSummaries == ["bind web.RESIZEIMAGE -> resize.IN"])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var action: RuntimeAction
        var says: String
        var testDescription: String { says }
    }

    static let cases: [Case] = [
        Case(action: .publish(queue: "q", data: 1, declare: []), says: "could not send to queue q: down"),
        Case(action: .startTap(exchange: "x"), says: "cannot show messages of exchange x: down"),
        Case(action: .stopTap(exchange: "x"), says: "could not stop watching exchange x: down"),
        Case(action: .startProcess(role: "r", command: "c"), says: "could not start the process of 'r': down"),
        Case(action: .stopProcess(role: "r"), says: "could not stop the process of 'r': down"),
        Case(action: .save(GraphSave(path: "/g.fbp", text: "")), says: "could not save the graph to /g.fbp: down"),
        Case(action: .unbind(Binding(source: "a.OUT", target: "b.IN"), steps: []), says: "could not unbind PUBSUB a.OUT -> b.IN: down"),
    ]

    @Test(arguments: cases)
    func everyFailureIsToldToEveryClient(_ testCase: Case) {
        var harness = Harness()
        let outputs = harness.feed(.actionFailed(testCase.action, reason: "down"))
        #expect(outputs.messages(to: "a").map(\.errorText) == [testCase.says])
        #expect(outputs.messages(to: "b").map(\.errorText) == [testCase.says])
    }
}
