import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

/// Shorthand for expected connections in tables.
private func edge(
    _ src: String, _ srcPort: String, _ tgt: String, _ tgtPort: String,
    srcIndex: Int? = nil, tgtIndex: Int? = nil
) -> GraphConnection {
    GraphConnection(
        from: PortRef(process: src, port: srcPort, index: srcIndex),
        to: PortRef(process: tgt, port: tgtPort, index: tgtIndex))
}

private func iip(_ data: JSONValue, _ tgt: String, _ port: String, index: Int? = nil) -> GraphConnection {
    GraphConnection(data: data, to: PortRef(process: tgt, port: port, index: index))
}

struct ParserCase: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var caseSensitive = false
    var processes: [GraphProcess]
    var connections: [GraphConnection]
    var inports: [String: GraphExport] = [:]
    var outports: [String: GraphExport] = [:]
    var properties: [String: JSONValue] = [:]
    var testDescription: String { name }
}

let parserCases: [ParserCase] = [
    ParserCase(
        name: "image-resize graph with default ports",
        text: """
            # @runtime msgflo
            web(imageresize/HttpApi) RESIZEIMAGE -> resize(imageresize/ResizeImage)
            resize OUT -> IN store(imageresize/StoreResult)
            resize ERROR -> IN store
            """,
        processes: [
            GraphProcess(name: "web", component: "imageresize/HttpApi"),
            GraphProcess(name: "resize", component: "imageresize/ResizeImage"),
            GraphProcess(name: "store", component: "imageresize/StoreResult"),
        ],
        connections: [
            edge("web", "resizeimage", "resize", "in"), edge("resize", "out", "store", "in"),
            edge("resize", "error", "store", "in"),
        ],
        properties: ["environment": ["type": "msgflo"]]),
    ParserCase(
        name: "chain through three roles",
        text: "a(A) OUT -> IN b(B) OUT -> IN c(C)",
        processes: [
            GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B"),
            GraphProcess(name: "c", component: "C"),
        ],
        connections: [edge("a", "out", "b", "in"), edge("b", "out", "c", "in")]),
    ParserCase(
        name: "chain with all default ports and declared middle",
        text: "a(A) -> b(B) -> c(C)",
        processes: [
            GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B"),
            GraphProcess(name: "c", component: "C"),
        ],
        connections: [edge("a", "out", "b", "in"), edge("b", "out", "c", "in")]),
    ParserCase(
        name: "missing source port defaults to out, missing target port to in",
        text: "a(A) -> IN b(B)\nb -> a",
        processes: [GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B")],
        connections: [edge("a", "out", "b", "in"), edge("b", "out", "a", "in")]),
    ParserCase(
        name: "statements separated by commas, comments anywhere",
        text: "# leading comment\na(A) OUT -> IN b(B), b OUT -> IN c(C) # trailing\n\n  # indented comment\n",
        processes: [
            GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B"),
            GraphProcess(name: "c", component: "C"),
        ],
        connections: [edge("a", "out", "b", "in"), edge("b", "out", "c", "in")]),
    ParserCase(
        name: "metadata with routes and numeric x/y",
        text: "a(A:x=10,y=20,label=hi,blue) OUT -> IN b(B)",
        processes: [
            GraphProcess(name: "a", component: "A", metadata: ["x": 10, "y": 20, "label": "hi", "routes": "blue"]),
            GraphProcess(name: "b", component: "B"),
        ],
        connections: [edge("a", "out", "b", "in")]),
    ParserCase(
        name: "anonymous processes are numbered per component like fbp",
        text: "(core/Kick) OUT -> IN (core/Kick) OUT -> IN named(my-lib/Thing)\n(Drop) -> IN (Drop)",
        processes: [
            GraphProcess(name: "_core_Kick_1", component: "core/Kick"),
            GraphProcess(name: "_core_Kick_2", component: "core/Kick"),
            GraphProcess(name: "named", component: "my-lib/Thing"),
            GraphProcess(name: "_Drop_1", component: "Drop"),
            GraphProcess(name: "_Drop_2", component: "Drop"),
        ],
        connections: [
            edge("_core_Kick_1", "out", "_core_Kick_2", "in"), edge("_core_Kick_2", "out", "named", "in"),
            edge("_Drop_1", "out", "_Drop_2", "in"),
        ]),
    ParserCase(
        name: "port indexes",
        text: "a(A) OUT[0] -> IN[1] b(B)\na OUT[2] -> IN b",
        processes: [GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B")],
        connections: [edge("a", "out", "b", "in", srcIndex: 0, tgtIndex: 1), edge("a", "out", "b", "in", srcIndex: 2)]),
    ParserCase(
        name: "string IIPs with escaped quotes and default target port",
        text: "'hello' -> NAME a(A)\n'it\\'s' -> a\n'multi\nline' -> IN[3] a",
        processes: [GraphProcess(name: "a", component: "A")],
        connections: [iip("hello", "a", "name"), iip("it's", "a", "in"), iip("multi\nline", "a", "in", index: 3)]),
    ParserCase(
        name: "JSON IIPs",
        text: #"{"w": 100, "h": [1, 2.5]} -> SIZE a(A), 42 -> N a, -1.5e2 -> N a, "q\"s" -> S a, [] -> L a, true -> B a, null -> Z a"#,
        processes: [GraphProcess(name: "a", component: "A")],
        connections: [
            iip(["w": 100, "h": [1, 2.5]], "a", "size"), iip(42, "a", "n"), iip(-150, "a", "n"),
            iip("q\"s", "a", "s"), iip([], "a", "l"), iip(true, "a", "b"), iip(nil, "a", "z"),
        ]),
    ParserCase(
        name: "IIP into a chain",
        text: "'World' -> NAME helloA(Hello) OUT -> NAME helloB(Hello)",
        processes: [GraphProcess(name: "helloA", component: "Hello"), GraphProcess(name: "helloB", component: "Hello")],
        connections: [iip("World", "helloA", "name"), edge("helloA", "out", "helloB", "name")]),
    ParserCase(
        name: "exports and annotations",
        text:
            "# @runtime msgflo\n# @name image resize\n# @description  Resizes images \nINPORT=web.REQUEST:JOBS\nOUTPORT=store.OUT:DONE\nweb(Api) OUT -> IN store(Store)",
        processes: [GraphProcess(name: "web", component: "Api"), GraphProcess(name: "store", component: "Store")],
        connections: [edge("web", "out", "store", "in")],
        inports: ["jobs": GraphExport(process: "web", port: "request")],
        outports: ["done": GraphExport(process: "store", port: "out")],
        properties: ["environment": ["type": "msgflo"], "name": "image resize", "description": "Resizes images"]),
    ParserCase(
        name: "case-sensitive keeps ports and defaults as written",
        text: "a(A) Out -> b(B)\nINPORT=a.In:Public",
        caseSensitive: true,
        processes: [GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B")],
        connections: [edge("a", "Out", "b", "IN")],
        inports: ["Public": GraphExport(process: "a", port: "In")]),
    ParserCase(
        name: "DEFAULT_INPORT and DEFAULT_OUTPORT change the defaults",
        text: "DEFAULT_INPORT=DATA\nDEFAULT_OUTPORT=RESULT\na(A) -> b(B)",
        processes: [GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B")],
        connections: [edge("a", "result", "b", "data")]),
    ParserCase(
        name: "declaration alone, later references, names with dashes and ports with dots",
        text: "my-role(lib/Comp)\nother(lib/Other)\nmy-role OUT.PART -> IN other\r\nother -> my-role",
        processes: [GraphProcess(name: "my-role", component: "lib/Comp"), GraphProcess(name: "other", component: "lib/Other")],
        connections: [edge("my-role", "out.part", "other", "in"), edge("other", "out", "my-role", "in")]),
    ParserCase(
        name: "tabs and no spaces around arrows",
        text: "a(A)\tOUT->IN\tb(B)",
        processes: [GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B")],
        connections: [edge("a", "out", "b", "in")]),
    ParserCase(
        name: "leading inport of first and trailing outport of last step are ignored like fbp",
        text: "IN a(A) OUT -> IN b(B) OUT",
        processes: [GraphProcess(name: "a", component: "A"), GraphProcess(name: "b", component: "B")],
        connections: [edge("a", "out", "b", "in")]),
    ParserCase(
        name: "roundrobin graph of msgflo's spec",
        text:
            "s_api(Repeat) OUT -> IN s_jobs(msgflo/RoundRobin) OUT -> IN s_worker(ErrorIf)\ns_worker OUT -> IN s_api\ns_jobs DEADLETTER -> DROP s_drop(Drop)",
        processes: [
            GraphProcess(name: "s_api", component: "Repeat"), GraphProcess(name: "s_jobs", component: "msgflo/RoundRobin"),
            GraphProcess(name: "s_worker", component: "ErrorIf"), GraphProcess(name: "s_drop", component: "Drop"),
        ],
        connections: [
            edge("s_api", "out", "s_jobs", "in"), edge("s_jobs", "out", "s_worker", "in"),
            edge("s_worker", "out", "s_api", "in"), edge("s_jobs", "deadletter", "s_drop", "drop"),
        ]),
    ParserCase(name: "empty text", text: "", processes: [], connections: []),
    ParserCase(name: "byte-order mark", text: "\u{FEFF}a(A)", processes: [GraphProcess(name: "a", component: "A")], connections: []),
]

@Test(.logsOnFailure, arguments: parserCases)
func fbpParserReadsTheDSL(_ testCase: ParserCase) throws {
    let graph = try FBPParser.parse(testCase.text, caseSensitive: testCase.caseSensitive)
    #expect(graph.processes == testCase.processes)
    #expect(graph.connections == testCase.connections)
    #expect(graph.inports == testCase.inports)
    #expect(graph.outports == testCase.outports)
    #expect(graph.properties == testCase.properties)
    #expect(graph.caseSensitive == testCase.caseSensitive)
}

@Test(.logsOnFailure) func fbpParserAnonymousBaseReplacesOnlyTheFirstRunLikeFbp() {
    #expect(FBPParserState.anonymousBase("core/Kick") == "core_Kick")
    #expect(FBPParserState.anonymousBase("a//b-c") == "a_b-c")
    #expect(FBPParserState.anonymousBase("Drop") == "Drop")
}
