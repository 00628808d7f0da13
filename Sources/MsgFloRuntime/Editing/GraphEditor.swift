import MsgFlo
import MsgFloGraph

/// Applies graph-protocol edits to one `Graph`, all or nothing.
///
/// Pure: it knows nothing of clients or brokers. It checks each request
/// against the graph (nodes, edges, exports and groups must exist, or must
/// not yet) and against the ports participants announced (`PortCatalog`), and
/// returns the changes made, for the coordinator to echo and act on.
public struct GraphEditor: Sendable {
    public var graph: Graph
    public var catalog: PortCatalog
    /// When true, an edit the `.fbp` format could not write (a node id with a
    /// `/`, say) is refused, so a graph kept as `.fbp` can always be saved.
    public var requiresFBP: Bool

    public init(graph: Graph, catalog: PortCatalog = PortCatalog(), requiresFBP: Bool = false) {
        self.graph = graph
        self.catalog = catalog
        self.requiresFBP = requiresFBP
    }

    /// Applies `request` (any but `clear`, which replaces the graph) and returns what changed.
    public mutating func apply(_ request: GraphRequest) throws(GraphEditError) -> [GraphChange] {
        var draft = self
        let changes = try draft.perform(request)
        if requiresFBP, changes.contains(where: \.affectsTopology) {
            do { _ = try draft.graph.fbpText() } catch { throw .notWritableAsFBP(error) }
        }
        self = draft
        return changes
    }

    private mutating func perform(_ request: GraphRequest) throws(GraphEditError) -> [GraphChange] {
        switch request {
        case .clear(let clear): return [clearGraph(clear)]
        case .addNode(_, let id, let component, let metadata): return try addNode(id, component: component, metadata: metadata)
        case .removeNode(_, let id): return try removeNode(id)
        case .renameNode(_, let from, let to): return try renameNode(from: from, to: to)
        case .changeNode(_, let id, let metadata): return try changeNode(id, metadata: metadata)
        case .addEdge(_, let edge, let metadata): return try addEdge(edge, metadata: metadata)
        case .removeEdge(_, let edge): return try removeEdge(edge)
        case .changeEdge(_, let edge, let metadata): return try changeEdge(edge, metadata: metadata)
        case .addInitial(_, let data, let tgt, let metadata): return try addInitial(data, to: tgt, metadata: metadata)
        case .removeInitial(_, let data, let tgt): return try removeInitial(data, to: tgt)
        case .addExport(_, let direction, let name, let node, let port, let metadata):
            return try addExport(direction, name, node: node, port: port, metadata: metadata)
        case .removeExport(_, let direction, let name): return try removeExport(direction, name)
        case .renameExport(_, let direction, let from, let to): return try renameExport(direction, from: from, to: to)
        case .addGroup(_, let name, let nodes, let metadata): return try addGroup(name, nodes: nodes, metadata: metadata)
        case .removeGroup(_, let name): return try removeGroup(name)
        case .renameGroup(_, let from, let to): return try renameGroup(from: from, to: to)
        case .changeGroup(_, let name, let metadata): return try changeGroup(name, metadata: metadata)
        }
    }

    /// Empties the graph, keeping its case rule and recording the labels `clear` gave.
    mutating func clearGraph(_ clear: GraphClear) -> GraphChange {
        var properties: [String: JSONValue] = [:]
        if let environment = graph.properties["environment"] { properties["environment"] = environment }
        properties["name"] = clear.name.map(JSONValue.string) ?? graph.properties["name"]
        if let library = clear.library { properties["library"] = .string(library) }
        if let icon = clear.icon { properties["icon"] = .string(icon) }
        if let description = clear.description { properties["description"] = .string(description) }
        graph = Graph(caseSensitive: graph.caseSensitive, properties: properties)
        return .cleared(clear)
    }

    // MARK: Lookups shared by the edit files

    func process(_ id: String) throws(GraphEditError) -> GraphProcess {
        guard let process = graph.process(named: id) else { throw .unknownNode(id, known: graph.processes.map(\.name)) }
        return process
    }

    /// Port names compare as the graph says: folded unless the graph is case-sensitive.
    func samePort(_ a: String, _ b: String) -> Bool {
        graph.caseSensitive ? a == b : a.lowercased() == b.lowercased()
    }

    /// Whether `ref` names the same port as `pattern`; a pattern without index matches any index.
    func matches(_ ref: PortRef, _ pattern: PortRef) -> Bool {
        ref.process == pattern.process && samePort(ref.port, pattern.port)
            && (pattern.index == nil || pattern.index == ref.index)
    }

    /// Refuses a port the node's participant did not announce (when it announced anything).
    func checkPort(_ ref: PortRef, _ direction: PortDirection) throws(GraphEditError) {
        let process = try process(ref.process)
        guard let known = catalog.ports(of: process, direction) else { return }
        guard known.contains(where: { $0.lowercased() == ref.port.lowercased() }) else {
            throw .unknownPort(node: ref.process, port: ref.port, direction: direction, known: known)
        }
    }
}
