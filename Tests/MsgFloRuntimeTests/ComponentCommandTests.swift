import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

@Suite(.logsOnFailure) struct ComponentCommandTests {
    @Test func listNamesLibraryAndDiscoveredComponentsWithAnnouncedPorts() throws {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.participant("echo", component: "examples/Repeat"), announcedAt: nil))
        let outputs = harness.request("component", "list", [:])
        #expect(outputs.commands(to: "a") == Array(repeating: "component:component", count: 4) + ["component:componentsready"])
        let messages = outputs.messages(to: "a")
        #expect(
            messages.dropLast().map { $0.payload["name"] } == [
                "examples/Repeat", "imageresize/HttpApi", "imageresize/ResizeImage",
                "imageresize/StoreResult",
            ])
        #expect(messages.last?.payload == 4)
        #expect(messages.allSatisfy { $0.responseTo == "r1" })
        let repeatComponent = messages[0].payload
        #expect(repeatComponent["inPorts"] == [["id": "in", "type": "object"]])
        #expect(repeatComponent["outPorts"] == [["id": "out", "type": "object"], ["id": "error", "type": "object"]])
        #expect(messages[1].payload["description"] == "imageresize web --role #ROLE")
        #expect(messages[1].payload["inPorts"] == [])
    }

    @Test func aNewComponentIsAnnouncedToEveryClientOnce() {
        var harness = Harness()
        let first = harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        #expect(first.commands(to: "a").contains("component:component"))
        #expect(first.commands(to: "b").contains("component:component"))
        var second = Fixtures.resize
        second.id = "resize-2"
        let again = harness.feed(.discovered(second, announcedAt: nil))
        #expect(!again.commands(to: "a").contains("component:component"))
    }

    struct SourceCase: Sendable, CustomTestStringConvertible {
        var name: String
        var component: String
        var reply: String
        var fields: [String: JSONValue]
        var codeContains: [String]
        var testDescription: String { name }
    }

    static let sourceCases: [SourceCase] = [
        SourceCase(
            name: "a library component: its command and announced definition", component: "imageresize/ResizeImage",
            reply: "component:source", fields: ["name": "ResizeImage", "library": "imageresize", "language": "json"],
            codeContains: [#""command": "imageresize resize --role #ROLE""#, #""queue": "resize.IN""#]),
        SourceCase(
            name: "a graph: its JSON with the live state", component: "imageresize", reply: "component:source",
            fields: ["name": "imageresize", "language": "json"],
            codeContains: [#""online": true"#, #""online": false"#, #""unlisted""#, #""role": "thumbs""#]),
        SourceCase(
            name: "unknown", component: "nope/Nope", reply: "component:error", fields: [:],
            codeContains: []),
    ]

    @Test(arguments: sourceCases)
    func getsourceIsReadOnlyKnowledge(_ testCase: SourceCase) throws {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        harness.feed(.discovered(Fixtures.participant("thumbs", component: "x/Thumbs"), announcedAt: nil))
        let outputs = harness.request("component", "getsource", ["name": .string(testCase.component)])
        #expect(outputs.commands(to: "a") == [testCase.reply])
        let message = try #require(outputs.messages(to: "a").first)
        for (key, value) in testCase.fields { #expect(message.payload[key] == value) }
        let code = message.payload["code"]?.stringValue ?? ""
        for fragment in testCase.codeContains { #expect(code.contains(fragment), "\(code)") }
        if testCase.reply == "component:error" {
            #expect(message.errorText.contains("no component or graph 'nope/Nope'"))
        }
    }
}
