import Foundation
import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

/// msgflo's spec/fixtures/library-nontrivial.json, in our format.
let nontrivialLibrary = """
    {"msgflo": {
      "variables": {
        "PREFETCH": "--prefetch=1",
        "NOFLO": "noflo-runtime-msgflo --name #ROLE --graph #COMPONENT",
        "DEAD": "--deadletter in"
      },
      "components": {
        "api/ConvertDocument": "#NOFLO #PREFETCH --deadletter=in",
        "api/SendMessageToUser": "#NOFLO --prefetch=10",
        "api/PropagateItem": "#NOFLO #PREFETCH --deadletter propagate,unpropagate",
        "api/Router": "#NOFLO #PREFETCH #DEAD"
      }
    }}
    """

@Test(
    .logsOnFailure,
    arguments: [
        ("api/ConvertDocument", "noflo-runtime-msgflo --name conv --graph api/ConvertDocument --prefetch=1 --deadletter=in"),
        ("api/SendMessageToUser", "noflo-runtime-msgflo --name conv --graph api/SendMessageToUser --prefetch=10"),
        ("api/PropagateItem", "noflo-runtime-msgflo --name conv --graph api/PropagateItem --prefetch=1 --deadletter propagate,unpropagate"),
        ("api/Router", "noflo-runtime-msgflo --name conv --graph api/Router --prefetch=1 --deadletter in"),
    ])
func componentLibraryExpandsVariablesLikeMsgflo(component: String, command: String) throws {
    let library = try ComponentLibrary(jsonText: nontrivialLibrary)
    #expect(try library.command(component: component, role: "conv") == command)
}

struct MarkerCase: CustomTestStringConvertible, Sendable {
    var name: String
    var template: String
    var component = "project/Foo"
    var filename: String?
    var variables: [String: String] = [:]
    var iips: [(port: String, data: JSONValue)] = []
    var expected: String
    var testDescription: String { name }
}

let markerCases: [MarkerCase] = [
    MarkerCase(
        name: "#ROLE and #COMPONENTNAME (msgflo spec)",
        template: "msgflo-nodejs --name #ROLE --file api/#COMPONENTNAME.js --option 1",
        expected: "msgflo-nodejs --name myrole --file api/Foo.js --option 1"),
    MarkerCase(
        name: "#IIPS is shell-quoted JSON in connection order (msgflo spec)",
        template: "run --iips #IIPS", iips: [("portA", "valueA"), ("portB", 3.14)],
        expected: #"run --iips '{"portA":"valueA","portB":3.14}'"#),
    MarkerCase(name: "#IIPS without initial packets", template: "run --iips #IIPS", expected: "run --iips '{}'"),
    MarkerCase(
        name: "#IIPS with a quote stays one shell word", template: "run #IIPS", iips: [("msg", "it's")],
        expected: #"run '{"msg":"it'\''s"}'"#),
    MarkerCase(
        name: "#COMPONENT, and #COMPONENTNAME without a library prefix",
        template: "#COMPONENT #COMPONENTNAME", component: "Repeat", expected: "Repeat Repeat"),
    MarkerCase(
        name: "#FILENAME from the entry", template: "msgflo-python #FILENAME #ROLE", filename: "participants/foo.py",
        expected: "msgflo-python participants/foo.py myrole"),
    MarkerCase(name: "every occurrence is replaced", template: "#ROLE #ROLE", expected: "myrole myrole"),
    MarkerCase(
        name: "longest marker wins", template: "#ROLE_PREFIX-#ROLE", variables: ["ROLE_PREFIX": "pre"],
        expected: "pre-myrole"),
    MarkerCase(
        name: "variables inside variables, names upper-cased", template: "#CMD",
        variables: ["cmd": "#BIN --role #ROLE", "bin": "/usr/bin/x"], expected: "/usr/bin/x --role myrole"),
    MarkerCase(name: "unknown markers and lone # stay", template: "run #NOPE # x#", expected: "run #NOPE # x#"),
]

@Test(.logsOnFailure, arguments: markerCases)
func componentLibrarySubstitutesMarkers(_ testCase: MarkerCase) throws {
    let library = ComponentLibrary(
        components: [testCase.component: .init(command: testCase.template, filename: testCase.filename)],
        variables: Dictionary(uniqueKeysWithValues: testCase.variables.map { ($0.key.uppercased(), $0.value) }))
    #expect(try library.command(component: testCase.component, role: "myrole", iips: testCase.iips) == testCase.expected)
}

@Test(.logsOnFailure) func componentLibraryTakesIIPsFromTheGraph() throws {
    let graph = try FBPParser.parse("web(api/Web) FAST -> IN fast(api/Worker)\n'8081' -> PORT fast, {\"a\": 1} -> CONF fast, '9' -> PORT fast")
    let library = ComponentLibrary(components: ["api/Worker": .init(command: "w --name #ROLE --iips #IIPS")])
    #expect(
        try library.command(for: graph.process(named: "fast")!, role: "fast", graph: graph)
            == #"w --name fast --iips '{"port":"9","conf":{"a":1}}'"#)
}

@Test(
    .logsOnFailure,
    arguments: [
        ("lib/Repeat", ["Repeat"], "Repeat"),
        ("Repeat", ["lib/Repeat"], "lib/Repeat"),
        ("Repeat", ["a/Repeat", "b/Repeat"], nil),
    ])
func componentLibraryFindsComponentsByBaseName(component: String, defined: [String], found: String?) {
    let library = ComponentLibrary(components: Dictionary(uniqueKeysWithValues: defined.map { ($0, .init(command: "x")) }))
    #expect(library.entry(for: component)?.name == found)
}

@Test(.logsOnFailure) func componentLibraryErrorsTellWhatToAdd() throws {
    let library = ComponentLibrary(components: ["a/A": .init(command: "a")], source: "graphs/components.json")
    do {
        _ = try library.command(component: "imgflo-server/ProcessImage", role: "imgflo_worker")
        Issue.record("expected an error")
    } catch {
        #expect(
            error
                == .unknownComponent(
                    component: "imgflo-server/ProcessImage", role: "imgflo_worker", library: "graphs/components.json", known: ["a/A"]))
        #expect(error.description.contains("No component imgflo-server/ProcessImage defined for role imgflo_worker in graphs/components.json"))
    }
    let noFile = ComponentLibrary(components: ["P": .init(command: "python #FILENAME")])
    #expect(throws: ComponentLibraryError.missingFilename(component: "P")) { try noFile.command(component: "P", role: "r") }
    let cycle = ComponentLibrary(components: ["P": .init(command: "#A")], variables: ["A": "x #B", "B": "#A"])
    #expect(throws: ComponentLibraryError.self) { try cycle.command(component: "P", role: "r") }
}

@Test(
    .logsOnFailure,
    arguments: [
        ("[]", "must be a JSON object"),
        (#"{"components": []}"#, "\"components\" must be an object"),
        (#"{"components": {"A": 3}}"#, "components.A must be a command string"),
        (#"{"components": {"A": {"filename": "x"}}}"#, "components.A.command must be a string"),
        (#"{"variables": {"A": 1}}"#, "variables.A must be a string"),
        (#"{"components": "#, "invalid JSON: line 1, column 16"),
    ])
func componentLibraryRejectsMalformedFiles(text: String, message: String) {
    do {
        _ = try ComponentLibrary(jsonText: text, source: "lib.json")
        Issue.record("expected an error")
    } catch {
        #expect(error.description.hasPrefix("lib.json: "))
        #expect(error.description.contains(message), "\(error)")
    }
}

@Test(.logsOnFailure) func componentLibraryReadsObjectEntries() throws {
    let library = try ComponentLibrary(jsonText: #"{"components": {"P": {"command": "py #FILENAME", "filename": "p.py"}}}"#)
    #expect(library.components["P"] == .init(command: "py #FILENAME", filename: "p.py"))
    #expect(try library.command(component: "P", role: "r") == "py p.py")
}
