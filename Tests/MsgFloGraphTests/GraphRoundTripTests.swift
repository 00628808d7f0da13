import Foundation
import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

let fbpMarkdownExample = """
    {"caseSensitive": false,
     "properties": {"name": "imageresize", "environment": {"type": "msgflo"}},
     "inports":  {"request": {"process": "web", "port": "in", "metadata": {}}},
     "outports": {},
     "groups": [{"name": "front", "nodes": ["web"], "metadata": {"color": "blue"}}],
     "processes": {"web": {"component": "imageresize/HttpApi", "metadata": {"x": 100, "y": 50}},
                   "resize": {"component": "imageresize/ResizeImage"}},
     "connections": [
       {"data": "hello", "tgt": {"process": "web", "port": "in"}},
       {"src": {"process": "web", "port": "resizeimage"},
        "tgt": {"process": "resize", "port": "in", "index": 0}, "metadata": {"route": 3}}]}
    """

@Test(.logsOnFailure) func graphJSONDecodesTheFbpGraphFormat() throws {
    let graph = try Graph(jsonText: fbpMarkdownExample)
    #expect(
        graph.processes == [
            GraphProcess(name: "web", component: "imageresize/HttpApi", metadata: ["x": 100, "y": 50]),
            GraphProcess(name: "resize", component: "imageresize/ResizeImage"),
        ])
    #expect(
        graph.connections == [
            GraphConnection(data: "hello", to: PortRef(process: "web", port: "in")),
            GraphConnection(
                from: PortRef(process: "web", port: "resizeimage"),
                to: PortRef(process: "resize", port: "in", index: 0), metadata: ["route": 3]),
        ])
    #expect(graph.inports == ["request": GraphExport(process: "web", port: "in")])
    #expect(graph.groups == [GraphGroup(name: "front", nodes: ["web"], metadata: ["color": "blue"])])
    #expect(graph.runtime == "msgflo")
    #expect(graph.properties["name"] == "imageresize")
}

@Test(.logsOnFailure) func graphJSONRoundTripsCanonically() throws {
    let graph = try Graph(jsonText: fbpMarkdownExample)
    let text = graph.jsonText()
    let again = try Graph(jsonText: text)
    #expect(again == graph)
    #expect(again.jsonText() == text)
    #expect(try Graph(jsonText: graph.jsonText(pretty: false)) == graph)
    // Keys sorted, processes in graph order (web before resize although r < w).
    #expect(text.range(of: "\"caseSensitive\"")!.lowerBound < text.range(of: "\"connections\"")!.lowerBound)
    #expect(text.range(of: "\"web\": {")!.lowerBound < text.range(of: "\"resize\": {")!.lowerBound)
}

@Test(.logsOnFailure, arguments: parserCases)
func graphRoundTripsThroughFBPAndJSON(_ testCase: ParserCase) throws {
    let graph = try FBPParser.parse(testCase.text, caseSensitive: testCase.caseSensitive)
    let fbp = try graph.fbpText()
    #expect(try FBPParser.parse(fbp, caseSensitive: testCase.caseSensitive) == graph, "\(fbp)")
    #expect(try Graph(jsonText: graph.jsonText()) == graph)
}

@Test(.logsOnFailure) func jsonGraphConvertsToFBPAndBackWithoutDSLOnlyLosses() throws {
    var graph = try Graph(jsonText: fbpMarkdownExample)
    let parsed = try FBPParser.parse(try graph.fbpText())
    // The DSL cannot hold groups or connection metadata; everything else survives.
    graph.groups = []
    graph.connections[1].metadata = [:]
    #expect(parsed == graph)
}

@Test(
    .logsOnFailure,
    arguments: [
        (JSONValue.string("plain"), "'plain'"),
        (JSONValue.string("it's"), #"'it\'s'"#),
        (JSONValue.string("back\\slash"), #""back\\slash""#),
        (JSONValue.string("two\nlines"), #""two\nlines""#),
        (JSONValue.number(3), "3"),
        (JSONValue.object(["b": 1, "a": true]), #"{"a":true,"b":1}"#),
        (JSONValue.null, "null"),
    ])
func fbpSerializerWritesIIPsTheParserReadsBack(data: JSONValue, text: String) throws {
    #expect(FBPSerializer.iipText(data) == text)
    let graph = try FBPParser.parse("\(text) -> IN a(A)")
    #expect(graph.connections.first?.data == data)
}

@Test(
    .logsOnFailure,
    arguments: [
        ("{\"processes\": {\"a\": {\"metadata\": {}}}}", "processes.a.component: must be the component name as a string"),
        ("{\"connections\": [{\"tgt\": {\"process\": \"a\"}}]}", "connections[0].tgt.port: must be a port name"),
        ("{\"connections\": [{\"tgt\": {\"process\": \"a\", \"port\": \"in\"}}]}", "connections[0]: needs either \"src\""),
        ("{\"connections\": [{\"src\": {\"process\": \"a\", \"port\": \"out\"}}]}", "connections[0].tgt: is missing"),
        (
            "{\"connections\": [{\"data\": 1, \"tgt\": {\"process\": \"a\", \"port\": \"in\", \"index\": -1}}]}",
            "connections[0].tgt.index: must be a non-negative integer"
        ),
        ("{\"caseSensitive\": \"no\"}", "caseSensitive: must be true or false"),
        ("[]", "a graph must be a JSON object"),
        ("{\"processes\": {\n  \"a\": ,}}", "line 2, column 8"),
        ("{\"a\": \"open", "line 1, column 7: unterminated string"),
        ("{} x", "line 1, column 4: unexpected 'x'"),
    ])
func graphJSONErrorsSayWhere(text: String, message: String) {
    #expect(throws: GraphFileError.self) { try Graph(jsonText: text) }
    do { _ = try Graph(jsonText: text) } catch {
        #expect(error.description.contains(message), "\(error)")
    }
}

@Test(.logsOnFailure) func fbpSerializerRefusesNamesTheDSLCannotHold() {
    let graph = Graph(processes: [GraphProcess(name: "has space", component: "A")])
    #expect(throws: FBPSerializationError.self) { try graph.fbpText() }
}

@Test(.logsOnFailure) func graphFilesLoadAndSaveByExtension() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graph-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = "# @runtime msgflo\na(A) OUT -> IN b(B)\n'x' -> CONFIG a\n"
    let fbpPath = dir.appendingPathComponent("g.fbp").path
    try source.write(toFile: fbpPath, atomically: true, encoding: .utf8)

    let graph = try Graph.load(path: fbpPath)
    let jsonPath = dir.appendingPathComponent("g.json").path
    try graph.save(path: jsonPath)
    #expect(try Graph.load(path: jsonPath) == graph)
    let fbpCopy = dir.appendingPathComponent("copy.fbp").path
    try graph.save(path: fbpCopy)
    #expect(try Graph.load(path: fbpCopy) == graph)

    #expect(throws: GraphFileError.unsupportedExtension(path: dir.appendingPathComponent("g.yaml").path)) {
        try Graph.load(path: dir.appendingPathComponent("g.yaml").path)
    }
    let brokenPath = dir.appendingPathComponent("broken.fbp").path
    try "a(A) OUT -> IN b".write(toFile: brokenPath, atomically: true, encoding: .utf8)
    do {
        _ = try Graph.load(path: brokenPath)
        Issue.record("expected an error")
    } catch {
        #expect(error.description.hasPrefix("\(brokenPath): line 1, column 16: process 'b'"), "\(error)")
    }
    do {
        _ = try Graph.load(path: dir.appendingPathComponent("missing.fbp").path)
        Issue.record("expected an error")
    } catch {
        guard case .unreadable = error else {
            Issue.record("wrong error \(error)")
            return
        }
    }
}
