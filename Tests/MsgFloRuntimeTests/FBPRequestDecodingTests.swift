import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// Payloads of every accepted command decode to typed requests; bad ones name the field.
@Suite(.logsOnFailure) struct FBPRequestDecodingTests {
    struct Good: Sendable, CustomTestStringConvertible {
        var command: String
        var payload: JSONValue
        var request: FBPRequest
        var testDescription: String { command }
    }

    static let a = PortRef(process: "a", port: "out")
    static let b = PortRef(process: "b", port: "in", index: 2)
    static let ends: JSONValue = ["src": ["node": "a", "port": "out"], "tgt": ["node": "b", "port": "in", "index": 2], "graph": "g"]

    static let good: [Good] = [
        Good(command: "runtime:getruntime", payload: [:], request: .runtime(.getRuntime)),
        Good(
            command: "runtime:packet", payload: ["port": "in", "event": "data", "payload": [1], "graph": "g"],
            request: .runtime(.packet(RuntimePacket(graph: "g", port: "in", event: .data, payload: [1])))),
        Good(command: "component:list", payload: [:], request: .component(.list)),
        Good(command: "component:getsource", payload: ["name": "x/Y"], request: .component(.getSource(name: "x/Y"))),
        Good(
            command: "graph:clear", payload: ["id": "g", "name": "G", "main": true],
            request: .graph(.clear(GraphClear(id: "g", name: "G", main: true)))),
        Good(
            command: "graph:addnode", payload: ["id": "n", "component": "C", "metadata": ["x": 1], "graph": "g"],
            request: .graph(.addNode(graph: "g", id: "n", component: "C", metadata: ["x": 1]))),
        Good(
            command: "graph:addnode", payload: ["id": "n", "component": "C", "metadata": nil, "graph": "g"],
            request: .graph(.addNode(graph: "g", id: "n", component: "C", metadata: [:]))),
        Good(command: "graph:removenode", payload: ["id": "n", "graph": "g"], request: .graph(.removeNode(graph: "g", id: "n"))),
        Good(
            command: "graph:renamenode", payload: ["from": "n", "to": "m", "graph": "g"], request: .graph(.renameNode(graph: "g", from: "n", to: "m"))
        ),
        Good(
            command: "graph:changenode", payload: ["id": "n", "metadata": ["y": 2], "graph": "g"],
            request: .graph(.changeNode(graph: "g", id: "n", metadata: ["y": 2]))),
        Good(command: "graph:addedge", payload: ends, request: .graph(.addEdge(graph: "g", edge: EdgeEnds(src: a, tgt: b), metadata: [:]))),
        Good(command: "graph:removeedge", payload: ends, request: .graph(.removeEdge(graph: "g", edge: EdgeEnds(src: a, tgt: b)))),
        Good(command: "graph:changeedge", payload: ends, request: .graph(.changeEdge(graph: "g", edge: EdgeEnds(src: a, tgt: b), metadata: [:]))),
        Good(
            command: "graph:addinitial", payload: ["src": ["data": "hi"], "tgt": ["node": "b", "port": "in", "index": "2"], "graph": "g"],
            request: .graph(.addInitial(graph: "g", data: "hi", tgt: b, metadata: [:]))),
        Good(
            command: "graph:removeinitial", payload: ["tgt": ["node": "b", "port": "in", "index": 2], "graph": "g"],
            request: .graph(.removeInitial(graph: "g", data: nil, tgt: b))),
        Good(
            command: "graph:addinport", payload: ["public": "p", "node": "n", "port": "in", "graph": "g"],
            request: .graph(.addExport(graph: "g", direction: .inport, public: "p", node: "n", port: "in", metadata: [:]))),
        Good(
            command: "graph:removeoutport", payload: ["public": "p", "graph": "g"],
            request: .graph(.removeExport(graph: "g", direction: .outport, public: "p"))),
        Good(
            command: "graph:renameinport", payload: ["from": "p", "to": "q", "graph": "g"],
            request: .graph(.renameExport(graph: "g", direction: .inport, from: "p", to: "q"))),
        Good(
            command: "graph:addgroup", payload: ["name": "G", "nodes": ["a", "b"], "graph": "g"],
            request: .graph(.addGroup(graph: "g", name: "G", nodes: ["a", "b"], metadata: [:]))),
        Good(
            command: "graph:changegroup", payload: ["name": "G", "metadata": ["description": "d"], "graph": "g"],
            request: .graph(.changeGroup(graph: "g", name: "G", metadata: ["description": "d"]))),
        Good(
            command: "network:edges",
            payload: ["edges": [["src": ["node": "a", "port": "out"], "tgt": ["node": "b", "port": "in", "index": 2]]], "graph": "g"],
            request: .network(.edges(graph: "g", edges: [EdgeEnds(src: a, tgt: b)]))),
        Good(command: "network:debug", payload: ["enable": true, "graph": "g"], request: .network(.debug(graph: "g", enable: true))),
        Good(command: "network:getstatus", payload: ["graph": "g"], request: .network(.getStatus(graph: "g"))),
    ]

    @Test(arguments: good)
    func acceptedPayloadsDecode(_ testCase: Good) throws {
        let parts = testCase.command.split(separator: ":").map(String.init)
        let text = FBPMessage(protocol: parts[0], command: parts[1], payload: testCase.payload).text
        #expect(try FBPRequest(text: text) == testCase.request)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var command: String
        var payload: JSONValue
        /// Words the error reply must contain.
        var says: String
        var testDescription: String { "\(command): \(says)" }
    }

    static let bad: [Bad] = [
        Bad(command: "graph:addnode", payload: ["id": "n", "graph": "g"], says: "graph:addnode: payload.component is missing"),
        Bad(command: "graph:addnode", payload: ["id": "", "component": "C", "graph": "g"], says: "payload.id: must not be empty"),
        Bad(command: "graph:addnode", payload: ["id": 3, "component": "C", "graph": "g"], says: "payload.id must be a string"),
        Bad(command: "graph:addnode", payload: ["id": "n", "component": "C"], says: "payload.graph is missing"),
        Bad(
            command: "graph:addnode", payload: ["id": "n", "component": "C", "metadata": [1], "graph": "g"],
            says: "payload.metadata must be an object"),
        Bad(
            command: "graph:addedge", payload: ["src": ["node": "a"], "tgt": ["node": "b", "port": "in"], "graph": "g"],
            says: "payload.src.port is missing"),
        Bad(
            command: "graph:addedge", payload: ["src": "a.out", "tgt": ["node": "b", "port": "in"], "graph": "g"],
            says: "payload.src must be a JSON object"),
        Bad(
            command: "graph:addedge",
            payload: ["src": ["node": "a", "port": "out", "index": -1], "tgt": ["node": "b", "port": "in"], "graph": "g"],
            says: "payload.src.index: must be a whole number from 0"),
        Bad(
            command: "graph:addinitial", payload: ["src": [:], "tgt": ["node": "b", "port": "in"], "graph": "g"], says: "payload.src.data is missing"),
        Bad(command: "graph:changenode", payload: ["id": "n", "graph": "g"], says: "payload.metadata is missing"),
        Bad(
            command: "graph:changenode", payload: ["id": "n", "metadata": ["x": 10.5], "graph": "g"],
            says: "payload.metadata.x must be a whole number"),
        Bad(
            command: "graph:addedge",
            payload: ["src": ["node": "a", "port": "out"], "tgt": ["node": "b", "port": "in"], "metadata": ["route": "red"], "graph": "g"],
            says: "payload.metadata.route must be a whole number"),
        Bad(
            command: "graph:addgroup", payload: ["name": "G", "nodes": [], "metadata": ["description": 1], "graph": "g"],
            says: "payload.metadata.description must be a string"),
        Bad(command: "graph:addgroup", payload: ["name": "G", "nodes": ["a", 2], "graph": "g"], says: "payload.nodes[1] must be a string"),
        Bad(command: "graph:addnodes", payload: [:], says: "unknown command graph:addnodes; graph commands are: clear, addnode"),
        Bad(command: "graph:error", payload: [:], says: "unknown command graph:error"),
        Bad(command: "runtime:packet", payload: ["port": "in", "event": "burst", "graph": "g"], says: "'burst' is not a packet event"),
        Bad(command: "network:debug", payload: ["enable": "yes", "graph": "g"], says: "payload.enable must be true or false"),
        Bad(
            command: "network:edges", payload: ["edges": [["src": ["node": "a", "port": "out"]]], "graph": "g"],
            says: "payload.edges[0].tgt is missing"),
        Bad(command: "network:persist", payload: [:], says: "network:persist is not supported by this runtime: the graph is saved"),
        Bad(command: "component:source", payload: ["name": "X", "language": "js", "code": ""], says: "component:source is not supported"),
        Bad(command: "trace:start", payload: ["graph": "g"], says: "trace:start is not supported"),
        Bad(command: "trace:explode", payload: [:], says: "unknown command trace:explode"),
    ]

    @Test(arguments: bad)
    func badPayloadsNameTheField(_ testCase: Bad) {
        let parts = testCase.command.split(separator: ":").map(String.init)
        let text = FBPMessage(protocol: parts[0], command: parts[1], payload: testCase.payload, requestId: "q").text
        do {
            let request = try FBPRequest(text: text)
            Issue.record("decoded \(request)")
        } catch {
            #expect(error.reply.errorText.contains(testCase.says), "\(error.reply.errorText)")
            #expect(error.reply.protocol == parts[0])
            #expect(error.reply.responseTo == "q")
        }
    }
}
