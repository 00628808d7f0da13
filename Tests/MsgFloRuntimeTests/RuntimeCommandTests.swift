import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

@Suite(.logsOnFailure) struct RuntimeCommandTests {
    @Test func getruntimeReportsTypeVersionAndExactlyTheCapabilities() throws {
        var harness = Harness()
        let outputs = harness.request("runtime", "getruntime", [:])
        #expect(outputs.commands(to: "a") == ["runtime:runtime", "runtime:ports"])
        #expect(outputs.messages(to: "b").isEmpty)
        let runtime = try #require(outputs.messages(to: "a").first)
        #expect(runtime.responseTo == "r1")
        #expect(runtime.payload["type"] == "msgflo")
        #expect(runtime.payload["version"] == "0.9")
        #expect(runtime.payload["graph"] == "imageresize")
        #expect(runtime.payload["id"] == .string(Fixtures.runtimeID))
        let capabilities = Set(runtime.payload["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(
            capabilities == [
                "protocol:runtime", "protocol:component", "component:getsource", "protocol:graph",
                "protocol:network", "network:control", "network:status", "network:data",
            ])
    }

    @Test func portsFollowTheExportsAndTheirAnnouncedTypes() throws {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        let added = harness.request("graph", "addinport", ["public": "jobs", "node": "resize", "port": "in", "graph": "imageresize"])
        #expect(added.commands(to: "a") == ["graph:addinport", "runtime:ports"])
        #expect(added.commands(to: "b") == ["graph:addinport", "runtime:ports"])
        let ports = try #require(added.messages(to: "b").last)
        #expect(ports.payload["inPorts"] == [["id": "jobs", "type": "object"]])
        #expect(ports.payload["outPorts"] == [])
    }

    struct PacketCase: Sendable, CustomTestStringConvertible {
        var name: String
        var payload: JSONValue
        var replies: [String]
        var actions: [String]
        var says: String?
        var testDescription: String { name }
    }

    static let packetCases: [PacketCase] = [
        PacketCase(
            name: "data into an exported inport nobody announced: queue declared first",
            payload: ["port": "jobs", "event": "data", "payload": ["url": "u"], "graph": "imageresize"],
            replies: ["runtime:packetsent"], actions: [#"publish resize.IN {"url":"u"} (declared)"#]),
        PacketCase(
            name: "connect events are confirmed, nothing is published",
            payload: ["port": "jobs", "event": "connect", "graph": "imageresize"], replies: ["runtime:packetsent"], actions: []),
        PacketCase(
            name: "unknown exported port", payload: ["port": "nope", "event": "data", "payload": 1, "graph": "imageresize"],
            replies: ["runtime:error"], actions: [], says: "exports no inport 'nope' (exported inports: jobs)"),
        PacketCase(
            name: "unknown graph", payload: ["port": "jobs", "event": "data", "payload": 1, "graph": "other"],
            replies: ["runtime:error"], actions: [], says: "no graph 'other' (graphs: imageresize)"),
        PacketCase(
            name: "data without payload", payload: ["port": "jobs", "event": "data", "graph": "imageresize"],
            replies: ["runtime:error"], actions: [], says: "payload.payload is missing"),
    ]

    @Test(arguments: packetCases)
    func packetsGoToTheExportedPortsQueue(_ testCase: PacketCase) {
        var harness = Harness()
        harness.request("graph", "addinport", ["public": "jobs", "node": "resize", "port": "in", "graph": "imageresize"])
        let outputs = harness.request("runtime", "packet", testCase.payload, requestId: "p1")
        #expect(outputs.commands(to: "a") == testCase.replies)
        #expect(outputs.actionSummaries == testCase.actions)
        #expect(outputs.messages(to: "a").first?.responseTo == "p1")
        if let says = testCase.says { #expect(outputs.messages(to: "a").first?.errorText.contains(says) == true) }
    }

    @Test func aPacketToALivePortUsesItsAnnouncedQueueWithoutDeclaring() {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.pythonParticipant("resize", component: "imageresize/ResizeImage"), announcedAt: nil))
        harness.request("graph", "addinport", ["public": "jobs", "node": "resize", "port": "in", "graph": "imageresize"])
        let outputs = harness.request("runtime", "packet", ["port": "jobs", "event": "data", "payload": 1, "graph": "imageresize"])
        #expect(outputs.actionSummaries == ["publish resize/in 1"])
    }

    @Test func exportedOutportMessagesReachClientsAsPackets() throws {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.store, announcedAt: nil))
        let added = harness.request("graph", "addoutport", ["public": "results", "node": "resize", "port": "out", "graph": "imageresize"])
        #expect(added.actionSummaries == ["tap resize.OUT"])
        let seen = harness.feed(.tapped(exchange: "resize.OUT", json: ["ok": true]))
        #expect(seen.commands(to: "a") == ["runtime:packet"])
        #expect(seen.commands(to: "b") == ["runtime:packet"])
        let packet = try #require(seen.messages(to: "a").first)
        #expect(packet.payload == ["port": "results", "event": "data", "graph": "imageresize", "payload": ["ok": true]])
        #expect(packet.responseTo == nil)
        let removed = harness.request("graph", "removeoutport", ["public": "results", "graph": "imageresize"])
        #expect(removed.actionSummaries == ["untap resize.OUT"])
    }
}
