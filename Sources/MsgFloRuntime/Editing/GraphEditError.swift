import MsgFlo
import MsgFloGraph

/// Why a graph edit was refused; the graph is unchanged. Each message names
/// what was wrong and what exists instead, so a client (or its user) can fix
/// the request.
public enum GraphEditError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownGraph(String, known: [String])
    case unknownNode(String, known: [String])
    case nodeExists(String)
    case unknownPort(node: String, port: String, direction: PortDirection, known: [String])
    case edgeExists(EdgeEnds)
    case unknownEdge(EdgeEnds)
    case noInitialPacket(PortRef)
    case exportExists(PortDirection, public: String, to: GraphExport)
    case unknownExport(PortDirection, public: String, known: [String])
    case groupExists(String)
    case unknownGroup(String, known: [String])
    /// The graph is kept as `.fbp` and the edit would make it unwritable there.
    case notWritableAsFBP(FBPSerializationError)

    public var description: String {
        func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
        switch self {
        case .unknownGraph(let id, let known):
            return "no graph '\(id)' (graphs: \(list(known))); create it with graph:clear or use the graph runtime:getruntime names"
        case .unknownNode(let id, let known):
            return "no node '\(id)' in the graph (nodes: \(list(known))); add it with graph:addnode first"
        case .nodeExists(let id):
            return "a node '\(id)' already exists; pick another id or rename the existing one with graph:renamenode"
        case .unknownPort(let node, let port, let direction, let known):
            return "node '\(node)' has no \(direction) '\(port)' (its \(direction)s: \(list(known)), as its participant announced them)"
        case .edgeExists(let edge):
            return "the edge \(EdgeID.text(edge)) already exists"
        case .unknownEdge(let edge):
            return "no edge \(EdgeID.text(edge)) in the graph; graph:addedge creates it"
        case .noInitialPacket(let target):
            return "no initial packet goes to \(target.port) of '\(target.process)' (with that data)"
        case .exportExists(let direction, let name, let export):
            return "exported \(direction) '\(name)' already exists (to \(export.process).\(export.port)); remove or rename it first"
        case .unknownExport(let direction, let name, let known):
            return "no exported \(direction) '\(name)' (exported \(direction)s: \(list(known)))"
        case .groupExists(let name):
            return "a group '\(name)' already exists; pick another name or change it with graph:changegroup"
        case .unknownGroup(let name, let known):
            return "no group '\(name)' (groups: \(list(known)))"
        case .notWritableAsFBP(let error):
            return "refused, the graph is saved as .fbp and \(error.cause); use names of letters, digits, _ and -"
        }
    }
}
