import MsgFlo

/// Why a graph cannot be turned into broker bindings.
public enum BindingPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A connection names a process the graph does not declare (possible in JSON graphs).
    case unknownProcess(String, connection: String)
    /// A discovered participant of `role` has no such port.
    case unknownPort(role: String, port: String, direction: PortDirection, known: [String])
    /// A `msgflo/RoundRobin` node with inputs or a deadletter but no OUT connection.
    case roundRobinWithoutTarget(node: String)
    /// A `msgflo/RoundRobin` node whose OUT goes to several roles.
    case roundRobinWithSeveralTargets(node: String, targets: [String])
    /// Two routing nodes connected directly, which has no broker equivalent.
    case routingNodesChained(from: String, to: String)
    /// A `queueType` setting that is neither `classic` nor `quorum`.
    case invalidQueueType(place: String, value: String)

    public var description: String {
        switch self {
        case .unknownProcess(let name, let connection):
            return "connection \(connection) names process '\(name)', which the graph does not declare; add it to \"processes\""
        case .unknownPort(let role, let port, let direction, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "role '\(role)' announced no \(direction) '\(port)' (its \(direction)s: \(list)); fix the port name in the graph"
        case .roundRobinWithoutTarget(let node):
            return "round-robin node '\(node)' has no OUT connection; add '\(node) OUT -> IN worker'"
        case .roundRobinWithSeveralTargets(let node, let targets):
            return
                "round-robin node '\(node)' sends OUT to several queues (\(targets.joined(separator: ", "))); use one round-robin node per worker role"
        case .routingNodesChained(let from, let to):
            return "routing nodes '\(from)' and '\(to)' are connected directly; connect each to participants instead"
        case .invalidQueueType(let place, let value):
            return "\(place) is '\(value)'; a queue type is classic or quorum"
        }
    }
}
