import Foundation
import MsgFlo
import MsgFloGraph

/// A request frame read as far as `{protocol, command, payload, secret, requestId}`,
/// before its payload is interpreted.
///
/// The coordinator checks the secret at this stage, so a client without the
/// secret learns nothing about which commands or graphs exist.
public struct FBPEnvelope: Sendable, Hashable {
    public var `protocol`: FBPProtocol
    public var command: String
    public var payload: [String: JSONValue]
    /// The top-level `secret`, else the legacy `payload.secret`.
    public var secret: String?
    public var requestId: String?

    public init(
        protocol: FBPProtocol, command: String, payload: [String: JSONValue] = [:],
        secret: String? = nil, requestId: String? = nil
    ) {
        self.protocol = `protocol`
        self.command = command
        self.payload = payload
        self.secret = secret
        self.requestId = requestId
    }

    /// Deeper JSON than this is refused before parsing: the parsers recurse, and
    /// a frame of a million `[` must not overflow the stack. Protocol messages
    /// nest a handful of levels; packets and metadata a few dozen at most.
    public static let maximumNesting = 200

    /// Reads one WebSocket text frame.
    public init(text: String) throws(FBPRequestError) {
        if let problem = Self.nestingProblem(text) { throw FBPRequestError(problem: problem) }
        let parsed: JSONValue
        do { parsed = try OrderedJSON(parsing: text).jsonValue } catch {
            throw FBPRequestError(problem: .malformedJSON(cause: error.description))
        }
        guard case .object(let message) = parsed else { throw FBPRequestError(problem: .notAnObject(path: "")) }
        let requestId: String?
        switch message["requestId"] {
        case nil, .null?: requestId = nil
        case .string(let id)?: requestId = id
        default: throw FBPRequestError(problem: .wrongType(path: "requestId", expected: "a string"))
        }
        func failure(_ problem: FBPRequestProblem, _ proto: FBPProtocol? = nil, _ command: String? = nil) -> FBPRequestError {
            FBPRequestError(problem: problem, protocol: proto, command: command, requestId: requestId)
        }
        guard let protoValue = message["protocol"], protoValue != .null else {
            throw failure(.missingField(path: "protocol", expected: "the protocol name, e.g. \"graph\""))
        }
        guard case .string(let protoName) = protoValue else { throw failure(.wrongType(path: "protocol", expected: "a string")) }
        guard let proto = FBPProtocol(rawValue: protoName) else { throw failure(.unknownProtocol(protoName)) }
        guard let commandValue = message["command"], commandValue != .null else {
            throw failure(.missingField(path: "command", expected: "the command name, e.g. \"addnode\""), proto)
        }
        guard case .string(let command) = commandValue else { throw failure(.wrongType(path: "command", expected: "a string"), proto) }
        guard let payloadValue = message["payload"], payloadValue != .null else {
            throw failure(.missingField(path: "payload", expected: "an object (send {} when the command needs nothing)"), proto, command)
        }
        guard case .object(let payload) = payloadValue else { throw failure(.notAnObject(path: "payload"), proto, command) }
        var secret: String?
        switch message["secret"] ?? payload["secret"] {
        case nil, .null?: secret = nil
        case .string(let text)?: secret = text
        default: throw failure(.wrongType(path: "secret", expected: "a string"), proto, command)
        }
        self.init(protocol: proto, command: command, payload: payload, secret: secret, requestId: requestId)
    }

    /// The graph the payload names, for error replies (network:error carries it).
    public var graph: String? { payload["graph"]?.stringValue }

    /// Finds nesting deeper than `maximumNesting` outside strings, in one pass.
    static func nestingProblem(_ text: String) -> FBPRequestProblem? {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumNesting {
                    return .malformedJSON(cause: "nested deeper than \(maximumNesting) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }
}
