import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// Frames that are not requests: each becomes a typed problem and an error reply.
@Suite(.logsOnFailure) struct FBPEnvelopeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var problem: FBPRequestProblem
        /// `protocol:command` of the error reply.
        var reply: String
        var responseTo: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "not JSON", text: "{protocol: graph", problem: .malformedJSON(cause: "line 1, column 2: expected a quoted key in the JSON object"),
            reply: "runtime:error"),
        Case(
            name: "empty frame", text: "", problem: .malformedJSON(cause: "line 1, column 1: the JSON text ends where a value should start"),
            reply: "runtime:error"),
        Case(name: "an array", text: "[1,2]", problem: .notAnObject(path: ""), reply: "runtime:error"),
        Case(
            name: "nested too deep", text: String(repeating: "[", count: 100_000),
            problem: .malformedJSON(cause: "nested deeper than 200 levels"), reply: "runtime:error"),
        Case(
            name: "no protocol", text: #"{"command":"list","payload":{},"requestId":"q"}"#,
            problem: .missingField(path: "protocol", expected: "the protocol name, e.g. \"graph\""), reply: "runtime:error", responseTo: "q"),
        Case(
            name: "protocol not a string", text: #"{"protocol":7,"command":"list","payload":{}}"#,
            problem: .wrongType(path: "protocol", expected: "a string"), reply: "runtime:error"),
        Case(
            name: "unknown protocol", text: #"{"protocol":"chat","command":"say","payload":{},"requestId":"q"}"#,
            problem: .unknownProtocol("chat"), reply: "runtime:error", responseTo: "q"),
        Case(
            name: "no command", text: #"{"protocol":"graph","payload":{}}"#,
            problem: .missingField(path: "command", expected: "the command name, e.g. \"addnode\""), reply: "graph:error"),
        Case(
            name: "no payload", text: #"{"protocol":"network","command":"getstatus"}"#,
            problem: .missingField(path: "payload", expected: "an object (send {} when the command needs nothing)"), reply: "network:error"),
        Case(
            name: "payload not an object", text: #"{"protocol":"component","command":"list","payload":"all"}"#,
            problem: .notAnObject(path: "payload"), reply: "component:error"),
        Case(
            name: "requestId not a string", text: #"{"protocol":"component","command":"list","payload":{},"requestId":5}"#,
            problem: .wrongType(path: "requestId", expected: "a string"), reply: "runtime:error"),
        Case(
            name: "secret not a string", text: #"{"protocol":"component","command":"list","payload":{},"secret":true}"#,
            problem: .wrongType(path: "secret", expected: "a string"), reply: "component:error"),
    ]

    @Test(arguments: cases)
    func badFramesBecomeTypedErrors(_ testCase: Case) {
        #expect(throws: FBPRequestError.self) { try FBPEnvelope(text: testCase.text) }
        do {
            _ = try FBPEnvelope(text: testCase.text)
        } catch {
            #expect(error.problem == testCase.problem)
            #expect("\(error.reply.protocol):\(error.reply.command)" == testCase.reply)
            #expect(error.reply.responseTo == testCase.responseTo)
            #expect(error.reply.errorText.contains(error.problem.description))
        }
    }

    @Test func secretIsReadFromTheTopLevelOrTheLegacyPayloadKey() throws {
        let top = try FBPEnvelope(text: #"{"protocol":"runtime","command":"getruntime","payload":{},"secret":"s1","requestId":"q"}"#)
        #expect(top.secret == "s1")
        #expect(top.requestId == "q")
        let legacy = try FBPEnvelope(text: #"{"protocol":"runtime","command":"getruntime","payload":{"secret":"s2"}}"#)
        #expect(legacy.secret == "s2")
        let none = try FBPEnvelope(text: #"{"protocol":"runtime","command":"getruntime","payload":{}}"#)
        #expect(none.secret == nil)
    }

    @Test func aStringWithBracketsIsNotNesting() throws {
        let deepText = String(repeating: "[", count: 1000)
        let envelope = try FBPEnvelope(text: #"{"protocol":"graph","command":"addnode","payload":{"id":"\#(deepText)"}}"#)
        #expect(envelope.payload["id"] == .string(deepText))
    }
}
