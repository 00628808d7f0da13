/// What was wrong with a client's message, worded so the client's author
/// knows what to send instead. Every case becomes the `message` of an
/// `<protocol>:error` reply; none of them is fatal to the runtime.
public enum FBPRequestProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The frame is not JSON text.
    case malformedJSON(cause: String)
    /// The frame is JSON but not an object, or `payload` is not an object.
    case notAnObject(path: String)
    case missingField(path: String, expected: String)
    case wrongType(path: String, expected: String)
    /// A field has the right type but a value the command cannot use.
    case invalidValue(path: String, reason: String)
    case unknownProtocol(String)
    case unknownCommand(FBPProtocol, command: String, known: [String])
    /// In the fbp-protocol schemas, but not offered by this runtime (not among its capabilities).
    case unsupportedCommand(FBPProtocol, command: String, reason: String)
    /// A secret is configured and the message carried none, or a different one.
    case unauthorized(secretGiven: Bool)

    public var description: String {
        switch self {
        case .malformedJSON(let cause):
            return "the message is not valid JSON (\(cause)); send one JSON object {protocol, command, payload} per text frame"
        case .notAnObject(let path):
            return path.isEmpty
                ? "the message must be a JSON object {protocol, command, payload}"
                : "\(path) must be a JSON object"
        case .missingField(let path, let expected):
            return "\(path) is missing; it must be \(expected)"
        case .wrongType(let path, let expected):
            return "\(path) must be \(expected)"
        case .invalidValue(let path, let reason):
            return "\(path): \(reason)"
        case .unknownProtocol(let name):
            let known = FBPProtocol.allCases.filter { $0 != .trace }.map(\.rawValue).joined(separator: ", ")
            return "unknown protocol '\(name)'; this runtime speaks \(known)"
        case .unknownCommand(let proto, let command, let known):
            return "unknown command \(proto.rawValue):\(command); \(proto.rawValue) commands are: \(known.joined(separator: ", "))"
        case .unsupportedCommand(let proto, let command, let reason):
            return "\(proto.rawValue):\(command) is not supported by this runtime: \(reason)"
        case .unauthorized(let secretGiven):
            return secretGiven
                ? "wrong secret; nothing was changed. Send the runtime's secret (msgflo runtime --secret) in the message's \"secret\""
                : "this runtime requires a secret; nothing was changed. Send it in the message's \"secret\" (msgflo runtime --secret)"
        }
    }
}

/// A message that could not be turned into a request, with what is needed to
/// answer it: the protocol to answer on (when it could be read), the request
/// id to answer to, and the graph it was about.
public struct FBPRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: FBPRequestProblem
    /// nil when the message did not name a known protocol; then `runtime:error` answers.
    public var `protocol`: FBPProtocol?
    public var command: String?
    public var requestId: String?
    public var graph: String?

    public init(
        problem: FBPRequestProblem, protocol: FBPProtocol? = nil, command: String? = nil,
        requestId: String? = nil, graph: String? = nil
    ) {
        self.problem = problem
        self.protocol = `protocol`
        self.command = command
        self.requestId = requestId
        self.graph = graph
    }

    public var description: String {
        guard let proto = `protocol`, let command else { return problem.description }
        if case .unknownCommand = problem { return problem.description }
        if case .unsupportedCommand = problem { return problem.description }
        return "\(proto.rawValue):\(command): \(problem.description)"
    }

    /// The `<protocol>:error` message that answers the failed request.
    public var reply: FBPMessage {
        FBPReply.error(on: `protocol` ?? .runtime, message: description, graph: graph, responseTo: requestId)
    }
}
