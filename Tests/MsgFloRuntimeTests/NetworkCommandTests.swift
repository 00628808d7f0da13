import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

@Suite(.logsOnFailure) struct NetworkCommandTests {
    static let g: JSONValue = "imageresize"

    @Test func startBindsTheGraphDeclaringWhatNobodyAnnouncedAndSendsInitialPackets() throws {
        var harness = Harness()
        harness.request("graph", "addinitial", ["src": ["data": "hello"], "tgt": Fixtures.port("store", "in"), "graph": Self.g])
        let started = harness.request("network", "start", ["graph": Self.g])
        #expect(started.commands(to: "a") == ["network:started"])
        #expect(started.commands(to: "b") == ["network:started"])
        #expect(started.messages(to: "a").first?.payload["running"] == true)
        #expect(
            started.actionSummaries == [
                #"publish store.IN "hello" (declared)"#, "bind web.RESIZEIMAGE -> resize.IN",
                "bind resize.OUT -> store.IN", "bind resize.ERROR -> store.IN",
            ])
        guard case .bind(_, let steps)? = started.actions.dropFirst().first else {
            Issue.record("no bind")
            return
        }
        #expect(
            steps == TopologyPlan.outport("web.RESIZEIMAGE") + TopologyPlan.inport("resize.IN")
                + [.bindQueue(queue: "resize.IN", exchange: "web.RESIZEIMAGE", routingKey: "")])

        harness.advance(30)
        let again = harness.request("network", "start", ["graph": Self.g])
        #expect(again.actions.isEmpty, "a running graph is not bound again, nor its packets resent")
        let status = harness.request("network", "getstatus", ["graph": Self.g])
        #expect(
            status.messages(to: "a").first?.payload == [
                "graph": "imageresize", "running": true, "started": true,
                "debug": false, "uptime": 30,
            ])
    }

    @Test func stopLeavesBindingsSoPublishedMessagesAreNotDropped() {
        var harness = Harness()
        harness.feed(.startNetwork(graph: "imageresize"))
        harness.advance(5)
        let stopped = harness.request("network", "stop", ["graph": Self.g])
        #expect(stopped.commands(to: "b") == ["network:stopped"])
        #expect(stopped.messages(to: "a").first?.payload["uptime"] == 5)
        #expect(stopped.actions.isEmpty)
        let removed = harness.request(
            "graph", "removeedge", ["src": Fixtures.port("resize", "out"), "tgt": Fixtures.port("store", "in"), "graph": Self.g])
        #expect(removed.actions.isEmpty, "a stopped graph is not enforced")
        let restarted = harness.request("network", "start", ["graph": Self.g])
        #expect(restarted.actionSummaries == ["unbind resize.OUT -> store.IN"])
    }

    @Test func debugIsPerClientAndAnsweredWithStatus() {
        var harness = Harness()
        let on = harness.request("network", "debug", ["enable": true, "graph": Self.g])
        #expect(on.commands(to: "a") == ["network:status"])
        #expect(on.messages(to: "a").first?.payload["debug"] == true)
        let other = harness.request("network", "getstatus", ["graph": Self.g], from: "b")
        #expect(other.messages(to: "b").first?.payload["debug"] == false)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var command: String
        var payload: JSONValue
        var says: String
        var testDescription: String { command }
    }

    static let errors: [ErrorCase] = [
        ErrorCase(command: "start", payload: ["graph": "nope"], says: "no graph 'nope'"),
        ErrorCase(command: "stop", payload: ["graph": "nope"], says: "no graph 'nope'"),
        ErrorCase(command: "getstatus", payload: ["graph": "nope"], says: "no graph 'nope'"),
        ErrorCase(command: "debug", payload: ["graph": "nope", "enable": true], says: "no graph 'nope'"),
        ErrorCase(
            command: "edges",
            payload: ["graph": "imageresize", "edges": [["src": Fixtures.port("store", "out"), "tgt": Fixtures.port("web", "in")]]],
            says: "cannot watch store() OUT -> IN web()"),
        ErrorCase(command: "getstatus", payload: [:], says: "payload.graph is missing"),
    ]

    @Test(arguments: errors)
    func failuresAreNetworkErrorsToTheRequester(_ testCase: ErrorCase) {
        var harness = Harness()
        let outputs = harness.request("network", testCase.command, testCase.payload, requestId: "n1")
        #expect(outputs.commands(to: "a") == ["network:error"])
        #expect(outputs.messages(to: "a").first?.responseTo == "n1")
        #expect(outputs.messages(to: "a").first?.errorText.contains(testCase.says) == true, "\(outputs)")
        #expect(outputs.messages(to: "b").isEmpty)
        #expect(outputs.actions.isEmpty)
    }
}
