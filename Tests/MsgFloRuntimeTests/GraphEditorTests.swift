import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// Every graph edit on the image-resize graph: what it changes, or why it is refused.
@Suite(.logsOnFailure) struct GraphEditorTests {
    static let graph = Fixtures.imageResize().graph
    static func ref(_ node: String, _ port: String, _ index: Int? = nil) -> PortRef { PortRef(process: node, port: port, index: index) }
    static func edge(_ a: String, _ p: String, _ b: String, _ q: String) -> EdgeEnds { EdgeEnds(src: ref(a, p), tgt: ref(b, q)) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: GraphRequest
        var result: Result<[GraphChange], GraphEditError>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "addnode", request: .addNode(graph: "g", id: "thumb", component: "C", metadata: ["x": 1, "msgflo": ["online": true], "y": nil]),
            result: .success([.nodeAdded(GraphProcess(name: "thumb", component: "C", metadata: ["x": 1]))])),
        Case(
            name: "addnode twice", request: .addNode(graph: "g", id: "web", component: "C", metadata: [:]),
            result: .failure(.nodeExists("web"))),
        Case(
            name: "removenode takes its edges along", request: .removeNode(graph: "g", id: "store"),
            result: .success([
                .edgeRemoved(edge("resize", "out", "store", "in")), .edgeRemoved(edge("resize", "error", "store", "in")),
                .nodeRemoved("store"),
            ])),
        Case(
            name: "removenode unknown", request: .removeNode(graph: "g", id: "nope"),
            result: .failure(.unknownNode("nope", known: ["web", "resize", "store"]))),
        Case(
            name: "renamenode", request: .renameNode(graph: "g", from: "store", to: "archive"),
            result: .success([.nodeRenamed(from: "store", to: "archive")])),
        Case(
            name: "renamenode onto another node", request: .renameNode(graph: "g", from: "store", to: "web"),
            result: .failure(.nodeExists("web"))),
        Case(
            name: "changenode merges, null deletes", request: .changeNode(graph: "g", id: "web", metadata: ["x": 5, "label": nil]),
            result: .success([.nodeChanged(id: "web", metadata: ["x": 5])])),
        Case(
            name: "addedge", request: .addEdge(graph: "g", edge: edge("web", "resizeimage", "store", "in"), metadata: ["route": 3]),
            result: .success([.edgeAdded(edge("web", "resizeimage", "store", "in"), metadata: ["route": 3])])),
        Case(
            name: "addedge that exists, in other case", request: .addEdge(graph: "g", edge: edge("resize", "OUT", "store", "IN"), metadata: [:]),
            result: .failure(.edgeExists(edge("resize", "OUT", "store", "IN")))),
        Case(
            name: "addedge from an unknown node", request: .addEdge(graph: "g", edge: edge("ghost", "out", "store", "in"), metadata: [:]),
            result: .failure(.unknownNode("ghost", known: ["web", "resize", "store"]))),
        Case(
            name: "removeedge, port case folded", request: .removeEdge(graph: "g", edge: edge("resize", "OUT", "store", "in")),
            result: .success([.edgeRemoved(edge("resize", "out", "store", "in"))])),
        Case(
            name: "removeedge unknown", request: .removeEdge(graph: "g", edge: edge("web", "resizeimage", "store", "in")),
            result: .failure(.unknownEdge(edge("web", "resizeimage", "store", "in")))),
        Case(
            name: "changeedge", request: .changeEdge(graph: "g", edge: edge("resize", "out", "store", "in"), metadata: ["route": 2]),
            result: .success([.edgeChanged(edge("resize", "out", "store", "in"), metadata: ["route": 2])])),
        Case(
            name: "changeedge unknown", request: .changeEdge(graph: "g", edge: edge("store", "out", "web", "in"), metadata: [:]),
            result: .failure(.unknownEdge(edge("store", "out", "web", "in")))),
        Case(
            name: "addinitial", request: .addInitial(graph: "g", data: ["w": 1], tgt: ref("resize", "in"), metadata: [:]),
            result: .success([.initialAdded(data: ["w": 1], tgt: ref("resize", "in"), metadata: [:])])),
        Case(
            name: "addinitial to an unknown node", request: .addInitial(graph: "g", data: 1, tgt: ref("x", "in"), metadata: [:]),
            result: .failure(.unknownNode("x", known: ["web", "resize", "store"]))),
        Case(
            name: "removeinitial none there", request: .removeInitial(graph: "g", data: nil, tgt: ref("resize", "in")),
            result: .failure(.noInitialPacket(ref("resize", "in")))),
        Case(
            name: "addinport", request: .addExport(graph: "g", direction: .inport, public: "jobs", node: "resize", port: "in", metadata: [:]),
            result: .success([.exportAdded(.inport, public: "jobs", GraphExport(process: "resize", port: "in"))])),
        Case(
            name: "addoutport on an unknown node",
            request: .addExport(graph: "g", direction: .outport, public: "o", node: "x", port: "out", metadata: [:]),
            result: .failure(.unknownNode("x", known: ["web", "resize", "store"]))),
        Case(
            name: "removeinport unknown", request: .removeExport(graph: "g", direction: .inport, public: "jobs"),
            result: .failure(.unknownExport(.inport, public: "jobs", known: []))),
        Case(
            name: "renameoutport unknown", request: .renameExport(graph: "g", direction: .outport, from: "a", to: "b"),
            result: .failure(.unknownExport(.outport, public: "a", known: []))),
        Case(
            name: "addgroup", request: .addGroup(graph: "g", name: "workers", nodes: ["resize", "store"], metadata: ["description": "d"]),
            result: .success([.groupAdded(GraphGroup(name: "workers", nodes: ["resize", "store"], metadata: ["description": "d"]))])),
        Case(
            name: "addgroup with an unknown node", request: .addGroup(graph: "g", name: "w", nodes: ["resize", "x"], metadata: [:]),
            result: .failure(.unknownNode("x", known: ["web", "resize", "store"]))),
        Case(name: "removegroup unknown", request: .removeGroup(graph: "g", name: "w"), result: .failure(.unknownGroup("w", known: []))),
        Case(name: "renamegroup unknown", request: .renameGroup(graph: "g", from: "w", to: "v"), result: .failure(.unknownGroup("w", known: []))),
        Case(
            name: "changegroup unknown", request: .changeGroup(graph: "g", name: "w", metadata: [:]), result: .failure(.unknownGroup("w", known: []))),
    ]

    @Test(arguments: cases)
    func editsChangeTheGraphOrAreRefused(_ testCase: Case) {
        var editor = GraphEditor(graph: Self.graph)
        do {
            let changes = try editor.apply(testCase.request)
            #expect(Result.success(changes) == testCase.result)
        } catch {
            #expect(Result.failure(error) == testCase.result)
            #expect(editor.graph == Self.graph, "a refused edit must leave the graph as it was")
        }
    }

    /// Edits whose effect shows in the graph after a sequence.
    @Test func sequencesLeaveTheExpectedGraph() throws {
        var editor = GraphEditor(graph: Self.graph)
        _ = try editor.apply(.addExport(graph: "g", direction: .inport, public: "jobs", node: "resize", port: "in", metadata: [:]))
        _ = try editor.apply(.addGroup(graph: "g", name: "workers", nodes: ["resize", "store"], metadata: [:]))
        _ = try editor.apply(.addInitial(graph: "g", data: 1, tgt: Self.ref("resize", "in"), metadata: [:]))
        _ = try editor.apply(.renameNode(graph: "g", from: "resize", to: "thumb"))
        #expect(editor.graph.inports["jobs"]?.process == "thumb")
        #expect(editor.graph.groups.first?.nodes == ["thumb", "store"])
        #expect(editor.graph.connections.filter { $0.target.process == "thumb" }.count == 2)

        let removed = try editor.apply(.removeNode(graph: "g", id: "thumb"))
        #expect(
            removed == [
                .edgeRemoved(Self.edge("web", "resizeimage", "thumb", "in")), .edgeRemoved(Self.edge("thumb", "out", "store", "in")),
                .edgeRemoved(Self.edge("thumb", "error", "store", "in")), .initialRemoved(data: 1, tgt: Self.ref("thumb", "in")),
                .exportRemoved(.inport, public: "jobs"), .groupRemoved("workers"),
                .groupAdded(GraphGroup(name: "workers", nodes: ["store"])), .nodeRemoved("thumb"),
            ])
    }

    @Test func portsAreCheckedAgainstAnnouncedDefinitions() throws {
        let catalog = PortCatalog(byRole: ["resize": Fixtures.resize], byComponent: ["imageresize/StoreResult": Fixtures.store])
        var editor = GraphEditor(graph: Self.graph, catalog: catalog)
        #expect(throws: GraphEditError.unknownPort(node: "resize", port: "outt", direction: .outport, known: ["out", "error"])) {
            try editor.apply(.addEdge(graph: "g", edge: Self.edge("resize", "outt", "store", "in"), metadata: [:]))
        }
        #expect(throws: GraphEditError.unknownPort(node: "store", port: "out", direction: .inport, known: ["in"])) {
            try editor.apply(.addEdge(graph: "g", edge: Self.edge("resize", "out", "store", "out"), metadata: [:]))
        }
        // Nothing announced for web: any port is accepted.
        _ = try editor.apply(.addEdge(graph: "g", edge: Self.edge("web", "anything", "resize", "IN"), metadata: [:]))
    }

    @Test func aGraphKeptAsFBPRefusesNamesFBPCannotWrite() throws {
        var editor = GraphEditor(graph: Self.graph, requiresFBP: true)
        #expect(throws: GraphEditError.self) {
            try editor.apply(.addNode(graph: "g", id: "core/Repeat_x1", component: "core/Repeat", metadata: [:]))
        }
        #expect(editor.graph == Self.graph)
        // A JSON-backed graph takes it.
        var json = GraphEditor(graph: Self.graph, requiresFBP: false)
        _ = try json.apply(.addNode(graph: "g", id: "core/Repeat_x1", component: "core/Repeat", metadata: [:]))
    }
}
