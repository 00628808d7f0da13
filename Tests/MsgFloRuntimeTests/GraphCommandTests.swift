import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// Every graph command through the coordinator, on the running image-resize
/// graph: the echo to everyone (responseTo only to the requester) and the
/// broker actions it causes; or an error to the requester alone, and nothing else.
@Suite(.logsOnFailure) struct GraphCommandTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var command: String
        var payload: JSONValue
        /// `protocol:command` of what both clients receive (the requester gets errors alone).
        var messages: [String]
        var actions: [String] = []
        var says: String? = nil
        var testDescription: String { "\(command) \(says.map { "refused: \($0)" } ?? "")" }
    }

    static func edge(_ a: String, _ p: String, _ b: String, _ q: String) -> JSONValue {
        ["src": Fixtures.port(a, p), "tgt": Fixtures.port(b, q), "graph": "imageresize"]
    }

    static func with(_ payload: JSONValue, _ extra: [String: JSONValue]) -> JSONValue {
        .object((payload.objectValue ?? [:]).merging(extra) { _, new in new })
    }

    static let g: JSONValue = "imageresize"

    static let cases: [Case] = [
        Case(
            command: "clear", payload: ["id": "imageresize"],
            messages: ["graph:clear", "runtime:ports"],
            actions: ["unbind web.RESIZEIMAGE -> resize.IN", "unbind resize.OUT -> store.IN", "unbind resize.ERROR -> store.IN"]),
        Case(command: "clear", payload: ["id": "fresh", "name": "Fresh"], messages: ["graph:clear", "runtime:ports"]),
        Case(
            command: "addnode", payload: ["id": "thumb", "component": "x/Thumb", "metadata": ["x": 10, "y": 20], "graph": g],
            messages: ["graph:addnode"]),
        Case(
            command: "addnode", payload: ["id": "web", "component": "x/Thumb", "graph": g], messages: ["graph:error"],
            says: "a node 'web' already exists"),
        Case(
            command: "removenode", payload: ["id": "store", "graph": g],
            messages: ["graph:removeedge", "graph:removeedge", "graph:removenode", "runtime:ports"],
            actions: ["unbind resize.OUT -> store.IN", "unbind resize.ERROR -> store.IN"]),
        Case(command: "removenode", payload: ["id": "ghost", "graph": g], messages: ["graph:error"], says: "no node 'ghost'"),
        Case(
            command: "renamenode", payload: ["from": "store", "to": "archive", "graph": g],
            messages: ["graph:renamenode", "runtime:ports", "graph:changeedge", "graph:changeedge"],
            actions: [
                "unbind resize.OUT -> store.IN", "unbind resize.ERROR -> store.IN",
                "bind resize.OUT -> archive.IN", "bind resize.ERROR -> archive.IN",
            ]),
        Case(command: "renamenode", payload: ["from": "ghost", "to": "x", "graph": g], messages: ["graph:error"], says: "no node 'ghost'"),
        Case(command: "changenode", payload: ["id": "web", "metadata": ["x": 5], "graph": g], messages: ["graph:changenode"]),
        Case(command: "changenode", payload: ["id": "ghost", "metadata": [:], "graph": g], messages: ["graph:error"], says: "no node 'ghost'"),
        Case(
            command: "addedge", payload: with(edge("web", "resizeimage", "store", "in"), ["metadata": ["route": 1]]),
            messages: ["graph:addedge"], actions: ["bind web.RESIZEIMAGE -> store.IN"]),
        Case(command: "addedge", payload: edge("resize", "OUT", "store", "IN"), messages: ["graph:error"], says: "already exists"),
        Case(command: "addedge", payload: edge("resize", "out", "nowhere", "in"), messages: ["graph:error"], says: "no node 'nowhere'"),
        Case(
            command: "removeedge", payload: edge("resize", "out", "store", "in"), messages: ["graph:removeedge"],
            actions: ["unbind resize.OUT -> store.IN"]),
        Case(
            command: "removeedge", payload: edge("store", "out", "web", "in"), messages: ["graph:error"],
            says: "no edge store() OUT -> IN web()"),
        Case(command: "changeedge", payload: with(edge("resize", "out", "store", "in"), ["metadata": ["route": 4]]), messages: ["graph:changeedge"]),
        Case(command: "changeedge", payload: edge("store", "out", "web", "in"), messages: ["graph:error"], says: "no edge"),
        Case(
            command: "addinitial", payload: ["src": ["data": ["url": "u"]], "tgt": Fixtures.port("resize", "in"), "graph": g],
            messages: ["graph:addinitial"], actions: [#"publish resize.IN {"url":"u"} (declared)"#]),
        Case(
            command: "addinitial", payload: ["src": ["data": 1], "tgt": Fixtures.port("ghost", "in"), "graph": g],
            messages: ["graph:error"], says: "no node 'ghost'"),
        Case(
            command: "removeinitial", payload: ["tgt": Fixtures.port("resize", "in"), "graph": g], messages: ["graph:error"],
            says: "no initial packet goes to in of 'resize'"),
        Case(
            command: "addinport", payload: ["public": "jobs", "node": "resize", "port": "in", "graph": g],
            messages: ["graph:addinport", "runtime:ports"]),
        Case(
            command: "addinport", payload: ["public": "jobs", "node": "ghost", "port": "in", "graph": g],
            messages: ["graph:error"], says: "no node 'ghost'"),
        Case(command: "removeinport", payload: ["public": "jobs", "graph": g], messages: ["graph:error"], says: "no exported inport 'jobs'"),
        Case(
            command: "renameinport", payload: ["from": "jobs", "to": "work", "graph": g], messages: ["graph:error"],
            says: "no exported inport 'jobs'"),
        Case(
            command: "addoutport", payload: ["public": "done", "node": "resize", "port": "out", "graph": g],
            messages: ["graph:addoutport", "runtime:ports"], actions: ["tap resize.OUT"]),
        Case(command: "removeoutport", payload: ["public": "done", "graph": g], messages: ["graph:error"], says: "no exported outport 'done'"),
        Case(command: "renameoutport", payload: ["from": "done", "to": "x", "graph": g], messages: ["graph:error"], says: "no exported outport"),
        Case(
            command: "addgroup", payload: ["name": "workers", "nodes": ["resize", "store"], "metadata": ["description": "d"], "graph": g],
            messages: ["graph:addgroup"]),
        Case(command: "addgroup", payload: ["name": "w", "nodes": ["ghost"], "graph": g], messages: ["graph:error"], says: "no node 'ghost'"),
        Case(command: "removegroup", payload: ["name": "w", "graph": g], messages: ["graph:error"], says: "no group 'w'"),
        Case(command: "renamegroup", payload: ["from": "w", "to": "v", "graph": g], messages: ["graph:error"], says: "no group 'w'"),
        Case(command: "changegroup", payload: ["name": "w", "metadata": [:], "graph": g], messages: ["graph:error"], says: "no group 'w'"),
        Case(
            command: "addnode", payload: ["id": "x", "component": "C", "graph": "other"], messages: ["graph:error"],
            says: "no graph 'other' (graphs: imageresize)"),
    ]

    /// The image-resize graph, started, with two clients.
    static func running() -> Harness {
        var harness = Harness()
        harness.feed(.startNetwork(graph: "imageresize"))
        return harness
    }

    @Test(arguments: cases)
    func everyCommandIsAnsweredAndActedOn(_ testCase: Case) {
        var harness = Self.running()
        let outputs = harness.request("graph", testCase.command, testCase.payload, requestId: "q7")
        #expect(outputs.commands(to: "a") == testCase.messages)
        #expect(outputs.messages(to: "a").allSatisfy { $0.responseTo == "q7" })
        #expect(outputs.actionSummaries == testCase.actions)
        if let says = testCase.says {
            #expect(outputs.messages(to: "b").isEmpty, "errors go to the requester only")
            #expect(outputs.messages(to: "a").first?.errorText.contains(says) == true, "\(outputs.messages(to: "a"))")
        } else {
            #expect(outputs.commands(to: "b") == testCase.messages)
            #expect(outputs.messages(to: "b").allSatisfy { $0.responseTo == nil })
        }
    }

    @Test func successfulEditsOfExistingItemsAfterSetup() {
        var harness = Self.running()
        harness.request("graph", "addinport", ["public": "jobs", "node": "resize", "port": "in", "graph": Self.g])
        harness.request("graph", "addgroup", ["name": "w", "nodes": ["resize"], "graph": Self.g])
        harness.request("graph", "addinitial", ["src": ["data": 1], "tgt": Fixtures.port("store", "in"), "graph": Self.g])
        let steps: [(String, JSONValue, [String])] = [
            ("renameinport", ["from": "jobs", "to": "work", "graph": Self.g], ["graph:renameinport", "runtime:ports"]),
            ("removeinport", ["public": "work", "graph": Self.g], ["graph:removeinport", "runtime:ports"]),
            ("renamegroup", ["from": "w", "to": "v", "graph": Self.g], ["graph:renamegroup"]),
            ("changegroup", ["name": "v", "metadata": ["description": "x"], "graph": Self.g], ["graph:changegroup"]),
            ("removegroup", ["name": "v", "graph": Self.g], ["graph:removegroup"]),
            ("removeinitial", ["src": ["data": 1], "tgt": Fixtures.port("store", "in"), "graph": Self.g], ["graph:removeinitial"]),
        ]
        for (command, payload, expected) in steps {
            let outputs = harness.request("graph", command, payload)
            #expect(outputs.commands(to: "a") == expected, "\(command)")
            #expect(outputs.commands(to: "b") == expected, "\(command)")
            #expect(outputs.actions.isEmpty, "\(command)")
        }
    }

    @Test func nodeMetadataIsKeptAndTheReservedKeyIsNot() throws {
        var harness = Self.running()
        harness.request("graph", "changenode", ["id": "web", "metadata": ["x": 5, "msgflo": ["online": true]], "graph": Self.g])
        let stored = try #require(harness.coordinator.graph("imageresize")?.graph.process(named: "web"))
        #expect(stored.metadata == ["x": 5])
        let added = harness.request("graph", "addnode", ["id": "thumb", "component": "x/Thumb", "metadata": ["x": 1], "graph": Self.g])
        #expect(added.messages(to: "b").first?.payload["metadata"] == ["x": 1, "msgflo": ["online": false, "instances": 0]])
    }

    @Test func clearWithMainMakesTheGraphMain() {
        var harness = Self.running()
        harness.request("graph", "clear", ["id": "second", "main": true])
        #expect(harness.coordinator.mainGraph == "second")
        #expect(harness.coordinator.graphIDs == ["imageresize", "second"])
        let runtime = harness.request("runtime", "getruntime", [:])
        #expect(runtime.messages(to: "a").first?.payload["graph"] == "second")
    }

    @Test func editsOfAStoppedGraphWaitForStart() {
        var harness = Harness()
        let added = harness.request("graph", "addedge", Self.edge("web", "resizeimage", "store", "in"))
        #expect(added.actions.isEmpty)
        let started = harness.request("network", "start", ["graph": Self.g])
        #expect(
            started.actionSummaries == [
                "bind web.RESIZEIMAGE -> resize.IN", "bind resize.OUT -> store.IN",
                "bind resize.ERROR -> store.IN", "bind web.RESIZEIMAGE -> store.IN",
            ])
    }
}

extension GraphCommandTests {
    /// A graph file may hold what no request could set; what is sent still validates.
    @Test func storedMetadataIsSentConformingToTheSchema() throws {
        var graph = Fixtures.imageResize().graph
        graph.processes[1].metadata = ["x": 300.5, "y": "top", "label": "Resize"]
        var harness = Harness(graphs: [RuntimeGraph(id: "imageresize", graph: graph)])
        let online = harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        let change = try #require(online.messages(to: "a").first { $0.command == "changenode" })
        #expect(change.payload["metadata"] == ["x": 301, "label": "Resize", "msgflo": ["online": true, "instances": 1]])
        #expect(harness.coordinator.graph("imageresize")?.graph.processes[1].metadata["x"] == 300.5, "the stored value is kept")
    }
}
