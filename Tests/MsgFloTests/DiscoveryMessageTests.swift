import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Suite("DiscoveryMessage", .logsOnFailure)
struct DiscoveryMessageTests {
    static let resize = ParticipantDefinition(
        id: "resize-5f0c", role: "resize", component: "imageresize/ResizeImage",
        label: "Resizes one image", icon: "image",
        inports: [
            PortDefinition(id: "in", type: "object", queue: "resize.IN"),
            PortDefinition(id: "control", type: "object", queue: "resize.CONTROL", hidden: true),
        ],
        outports: [
            PortDefinition(id: "out", type: "object", queue: "resize.OUT"),
            PortDefinition(id: "error", type: "object", queue: "resize.ERROR"),
        ])

    /// The reference shape from msgflo-protocol.md, verbatim.
    static let referenceJSON = """
        {"protocol": "discovery", "command": "participant",
         "payload": {"id": "resize-5f0c", "role": "resize", "component": "imageresize/ResizeImage",
                     "label": "Resizes one image", "icon": "image",
                     "inports":  [{"id": "in",    "type": "object", "queue": "resize.IN"}],
                     "outports": [{"id": "out",   "type": "object", "queue": "resize.OUT"},
                                  {"id": "error", "type": "object", "queue": "resize.ERROR"}]}}
        """

    @Test func encodesTheReferenceShapeWithoutHiddenPortsOrNilKeys() throws {
        let encoded = DiscoveryMessage(participant: Self.resize).encoded()
        let expected = try JSONValue(parsing: Data(Self.referenceJSON.utf8))
        #expect(try JSONValue(parsing: encoded) == expected)
    }

    @Test func conventionalDefinitionMatchesTheReference() throws {
        let definition = ParticipantDefinition.conventional(
            role: "resize", component: "imageresize/ResizeImage", id: "resize-5f0c",
            label: "Resizes one image", icon: "image",
            inports: ["in", "control"], outports: ["out", "error"], hidden: ["control"])
        #expect(definition == Self.resize)
        #expect(DiscoveryMessage(participant: definition).json == (try JSONValue(parsing: Data(Self.referenceJSON.utf8))))
    }

    @Test func defaultIDIsRolePrefixed() {
        let definition = ParticipantDefinition.conventional(role: "store", component: "c", inports: ["in"], outports: [])
        #expect(definition.id.hasPrefix("store-"))
        #expect(definition.inports.first?.queue == "store.IN")
    }

    @Test func decodesWhatItEncodes() throws {
        var visibleOnly = Self.resize
        visibleOnly.inports.removeAll { $0.isHidden }
        visibleOnly.description = "with a description"
        visibleOnly.outports[0].schema = "https://example.com/schema.json"
        let decoded = try DiscoveryMessage(decoding: DiscoveryMessage(participant: visibleOnly).encoded())
        #expect(decoded.participant == visibleOnly)
    }

    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var body: String
        var expected: DiscoveryMessageError
        var testDescription: String { body }
    }

    static let valid = #""id":"p1","role":"r","component":"c","inports":[],"outports":[]"#

    static let malformed: [MalformedCase] = [
        MalformedCase(body: "not json at all", expected: .notJSON),
        MalformedCase(body: "", expected: .notJSON),
        MalformedCase(body: "[1,2]", expected: .notAnObject(path: "")),
        MalformedCase(body: #"{"protocol":"runtime","command":"participant","payload":{}}"#, expected: .wrongProtocol("runtime")),
        MalformedCase(body: #"{"command":"participant","payload":{}}"#, expected: .wrongProtocol(nil)),
        MalformedCase(body: #"{"protocol":"discovery","command":"bye","payload":{}}"#, expected: .wrongCommand("bye")),
        MalformedCase(body: #"{"protocol":"discovery","command":"participant"}"#, expected: .missingKey(path: "payload")),
        MalformedCase(body: #"{"protocol":"discovery","command":"participant","payload":"x"}"#, expected: .notAnObject(path: "payload")),
        MalformedCase(
            body: #"{"protocol":"discovery","command":"participant","payload":{"id":"p1","role":"r","component":"c","outports":[]}}"#,
            expected: .missingKey(path: "payload.inports")),
        MalformedCase(
            body: #"{"protocol":"discovery","command":"participant","payload":{"id":"p1","role":"r","component":"c","inports":{},"outports":[]}}"#,
            expected: .wrongType(path: "payload.inports", expected: "an array of ports")),
        MalformedCase(
            body: #"{"protocol":"discovery","command":"participant","payload":{"id":7,"role":"r","component":"c","inports":[],"outports":[]}}"#,
            expected: .wrongType(path: "payload.id", expected: "a string")),
        MalformedCase(
            body: #"{"protocol":"discovery","command":"participant","payload":{"role":"r","component":"c","inports":[],"outports":[]}}"#,
            expected: .missingKey(path: "payload.id")),
        MalformedCase(
            body:
                #"{"protocol":"discovery","command":"participant","payload":{"id":"p1","role":"r","component":"c","inports":[{"id":"in"}],"outports":[]}}"#,
            expected: .missingKey(path: "payload.inports[0].queue")),
        MalformedCase(
            body: #"{"protocol":"discovery","command":"participant","payload":{"id":"p1","role":"r","component":"c","inports":[],"outports":[3]}}"#,
            expected: .notAnObject(path: "payload.outports[0]")),
        MalformedCase(
            body:
                #"{"protocol":"discovery","command":"participant","payload":{"id":"p1","role":"r","component":"c","inports":[{"id":"in","queue":"q","hidden":"yes"}],"outports":[]}}"#,
            expected: .wrongType(path: "payload.inports[0].hidden", expected: "true or false")),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(_ malformedCase: MalformedCase) {
        #expect(throws: malformedCase.expected) { try DiscoveryMessage(decoding: Data(malformedCase.body.utf8)) }
    }

    @Test func toleratesWhatImplementationsDifferOn() throws {
        // msgflo-python style queue names, a port without type, null optional keys.
        let body =
            #"{"protocol":"discovery","command":"participant","payload":{"id":"p1","role":"r","component":"c","label":null,"inports":[{"id":"in","queue":"r/in"}],"outports":[]}}"#
        let message = try DiscoveryMessage(decoding: Data(body.utf8))
        #expect(message.participant.label == nil)
        #expect(message.participant.inports == [PortDefinition(id: "in", type: "any", queue: "r/in")])
    }
}
