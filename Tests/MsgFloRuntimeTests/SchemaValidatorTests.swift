import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// The validator the other tests rely on must be able to fail.
@Suite(.logsOnFailure) struct SchemaValidatorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var message: FBPMessage
        var valid: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a well-formed graph:addnode",
            message: FBPMessage(
                .graph, "addnode",
                [
                    "id": "a", "component": "C", "metadata": ["x": 1], "graph": "g",
                ]), valid: true),
        Case(name: "addnode without component", message: FBPMessage(.graph, "addnode", ["id": "a", "graph": "g"]), valid: false),
        Case(
            name: "addnode with an extra payload key",
            message: FBPMessage(
                .graph, "addnode",
                [
                    "id": "a", "component": "C", "graph": "g", "secret": "s",
                ]), valid: false),
        Case(
            name: "x that is not an integer",
            message: FBPMessage(
                .graph, "addnode",
                [
                    "id": "a", "component": "C", "metadata": ["x": 1.5], "graph": "g",
                ]), valid: false),
        Case(
            name: "network:data with a type key",
            message: FBPMessage(
                .network, "data",
                [
                    "id": "e", "tgt": ["node": "b", "port": "in"], "graph": "g", "data": 1, "type": "number",
                ]), valid: false),
        Case(
            name: "network:edges with responseTo", message: FBPMessage(.network, "edges", ["graph": "g", "edges": []], responseTo: "r"),
            valid: false),
        Case(name: "network:status without running", message: FBPMessage(.network, "status", ["graph": "g"]), valid: false),
        Case(name: "componentsready counting", message: FBPMessage(.component, "componentsready", 3, responseTo: "r"), valid: true),
        Case(name: "a command the protocol does not have", message: FBPMessage(.network, "debug", ["graph": "g"]), valid: false),
        Case(
            name: "packetsent with an unknown event",
            message: FBPMessage(
                .runtime, "packetsent",
                [
                    "port": "in", "event": "burst", "graph": "g",
                ]), valid: false),
    ]

    @Test(arguments: cases)
    func validatorSeparatesValidFromInvalid(_ testCase: Case) throws {
        let schema = try FBPSchema.shared.get()
        let problems = schema.problems(testCase.message)
        #expect(problems.isEmpty == testCase.valid, "\(problems)")
    }
}
