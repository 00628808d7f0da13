/// Errors of the participant runtime, each saying what to change.
public enum ParticipantError: Error, CustomStringConvertible, Hashable, Sendable {
    /// `Output.send` named a port the participant does not have.
    case unknownOutport(String, available: [String])
    /// `Output.send` was called after the message had been settled (e.g. from a task the handler did not await).
    case outputClosed(port: String)
    /// An environment variable holds a value the runtime cannot use.
    case invalidEnvironment(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unknownOutport(let port, let available):
            return
                "no outport '\(port)' on this participant (outports: \(available.joined(separator: ", "))): add it to the ParticipantDefinition or fix the port name"
        case .outputClosed(let port):
            return "send on '\(port)' after the message was settled: await every send inside the handler"
        case .invalidEnvironment(let name, let value, let expected):
            return "\(name)=\(value) is invalid: expected \(expected)"
        }
    }
}
