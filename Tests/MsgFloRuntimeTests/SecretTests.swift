import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// With a secret, a message without it (or with another) changes nothing and is answered with an error.
@Suite(.logsOnFailure) struct SecretTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var secret: String?
        var legacySecret: String?
        var accepted: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no secret", secret: nil, accepted: false),
        Case(name: "wrong secret", secret: "guess", accepted: false),
        Case(name: "a prefix of the secret", secret: "s3cr", accepted: false),
        Case(name: "the secret", secret: "s3cret", accepted: true),
        Case(name: "the secret in the payload (fbp-protocol before 0.8)", legacySecret: "s3cret", accepted: true),
        Case(name: "a wrong secret in the payload", legacySecret: "nope", accepted: false),
    ]

    @Test(arguments: cases)
    func onlyTheSecretChangesAnything(_ testCase: Case) {
        var harness = Harness(configuration: Fixtures.configuration(secret: "s3cret"))
        var payload: [String: JSONValue] = ["id": "thumb", "component": "x/Thumb", "graph": "imageresize"]
        if let legacy = testCase.legacySecret { payload["secret"] = .string(legacy) }
        let outputs = harness.request("graph", "addnode", .object(payload), requestId: "s1", secret: testCase.secret)
        let added = harness.coordinator.graph("imageresize")?.graph.process(named: "thumb") != nil
        #expect(added == testCase.accepted)
        if testCase.accepted {
            #expect(outputs.commands(to: "a") == ["graph:addnode"])
        } else {
            #expect(outputs.commands(to: "a") == ["graph:error"])
            #expect(outputs.messages(to: "a").first?.responseTo == "s1")
            #expect(outputs.messages(to: "a").first?.errorText.contains("nothing was changed") == true)
        }
        #expect(outputs.messages(to: "b").isEmpty, "client b never sent the secret, so it hears nothing")
    }

    @Test func evenUnknownCommandsAndGetruntimeNeedTheSecret() {
        var harness = Harness(configuration: Fixtures.configuration(secret: "s3cret"))
        let unknown = harness.request("graph", "frobnicate", [:])
        #expect(unknown.messages(to: "a").first?.errorText.contains("requires a secret") == true)
        let runtime = harness.request("runtime", "getruntime", [:])
        #expect(runtime.commands(to: "a") == ["runtime:error"])
    }

    @Test func broadcastsReachOnlyClientsThatSentTheSecret() {
        var harness = Harness(configuration: Fixtures.configuration(secret: "s3cret"), clients: ["a", "b", "c"])
        harness.request("runtime", "getruntime", [:], from: "b", secret: "s3cret")
        let outputs = harness.request("graph", "addnode", ["id": "n", "component": "C", "graph": "imageresize"], secret: "s3cret")
        #expect(outputs.commands(to: "a") == ["graph:addnode"])
        #expect(outputs.commands(to: "b") == ["graph:addnode"])
        #expect(outputs.messages(to: "c").isEmpty)
    }
}
