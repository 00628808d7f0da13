import MsgFlo
import MsgFloGraph

/// `graph:*` requests. Every one but `clear` names the graph it edits in `graph`;
/// `clear` creates or empties the graph `id`.
public enum GraphRequest: Sendable, Hashable {
    case clear(GraphClear)
    case addNode(graph: String, id: String, component: String, metadata: [String: JSONValue])
    case removeNode(graph: String, id: String)
    case renameNode(graph: String, from: String, to: String)
    case changeNode(graph: String, id: String, metadata: [String: JSONValue])
    case addEdge(graph: String, edge: EdgeEnds, metadata: [String: JSONValue])
    case removeEdge(graph: String, edge: EdgeEnds)
    case changeEdge(graph: String, edge: EdgeEnds, metadata: [String: JSONValue])
    case addInitial(graph: String, data: JSONValue, tgt: PortRef, metadata: [String: JSONValue])
    /// `data` nil removes every initial packet to `tgt`.
    case removeInitial(graph: String, data: JSONValue?, tgt: PortRef)
    case addExport(graph: String, direction: PortDirection, public: String, node: String, port: String, metadata: [String: JSONValue])
    case removeExport(graph: String, direction: PortDirection, public: String)
    case renameExport(graph: String, direction: PortDirection, from: String, to: String)
    case addGroup(graph: String, name: String, nodes: [String], metadata: [String: JSONValue])
    case removeGroup(graph: String, name: String)
    case renameGroup(graph: String, from: String, to: String)
    case changeGroup(graph: String, name: String, metadata: [String: JSONValue])

    /// The graph the request is about (for `clear`, the one it creates or empties).
    public var graph: String {
        switch self {
        case .clear(let clear): clear.id
        case .addNode(let g, _, _, _), .removeNode(let g, _), .renameNode(let g, _, _), .changeNode(let g, _, _),
            .addEdge(let g, _, _), .removeEdge(let g, _), .changeEdge(let g, _, _),
            .addInitial(let g, _, _, _), .removeInitial(let g, _, _),
            .addExport(let g, _, _, _, _, _), .removeExport(let g, _, _), .renameExport(let g, _, _, _),
            .addGroup(let g, _, _, _), .removeGroup(let g, _), .renameGroup(let g, _, _), .changeGroup(let g, _, _):
            g
        }
    }
}

/// `graph:clear`: the graph to create or empty, and its optional labels.
public struct GraphClear: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var library: String?
    /// Marks the graph as the runtime's main graph (the one `getruntime` reports).
    public var main: Bool?
    public var icon: String?
    public var description: String?

    public init(
        id: String, name: String? = nil, library: String? = nil, main: Bool? = nil,
        icon: String? = nil, description: String? = nil
    ) {
        self.id = id
        self.name = name
        self.library = library
        self.main = main
        self.icon = icon
        self.description = description
    }
}
