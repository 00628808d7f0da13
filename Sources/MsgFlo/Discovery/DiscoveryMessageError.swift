/// Why a discovery message was not accepted. Carried as a value so the
/// coordinator can log it and go on: a malformed message must never take it down.
public enum DiscoveryMessageError: Error, CustomStringConvertible, Hashable, Sendable {
    case notJSON
    case notAnObject(path: String)
    case wrongProtocol(String?)
    case wrongCommand(String?)
    case missingKey(path: String)
    case wrongType(path: String, expected: String)
    /// Stamped (AMQP `timestamp`) longer ago than the expiry: a leftover of a
    /// backlog in the queue, from a participant that may be long gone.
    case stale(ageSeconds: Int)

    public var description: String {
        switch self {
        case .notJSON:
            return "discovery message is not JSON text"
        case .notAnObject(let path):
            return "discovery message: \(path.isEmpty ? "the message" : path) is not a JSON object"
        case .wrongProtocol(let found):
            return "not a discovery message: protocol is \(found.map { "'\($0)'" } ?? "missing"), expected 'discovery'"
        case .wrongCommand(let found):
            return "discovery message with unsupported command \(found.map { "'\($0)'" } ?? "(missing)"), expected 'participant'"
        case .missingKey(let path):
            return "discovery message lacks required key '\(path)'"
        case .wrongType(let path, let expected):
            return "discovery message key '\(path)' should be \(expected)"
        case .stale(let age):
            return "discovery message sent \(age) s ago, longer ago than the expiry: a leftover of a backlog, ignored"
        }
    }
}
