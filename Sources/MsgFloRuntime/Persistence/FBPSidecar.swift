import MsgFlo
import MsgFloGraph

/// What `.fbp` text cannot hold of a graph, kept in a sidecar file beside it.
///
/// The `.fbp` DSL has no place for connection, IIP or export metadata (edge
/// routes, export positions), for groups, for non-string properties, or for
/// node metadata values beyond `[A-Za-z0-9/_]` and whole x/y (labels with
/// spaces, fractional positions). Rather than refuse a save or silently lose
/// an editor's layout, the runtime writes the `.fbp` (the source of truth for
/// structure, still hand-editable) and puts exactly what a write-then-read of
/// the `.fbp` would lose into the sidecar, itself a partial fbp-graph JSON
/// document (processes, connections, exports, groups carrying only metadata).
public struct FBPSidecar: Sendable, Hashable {
    /// The lost pieces, as a graph: processes carry only lost metadata keys,
    /// connections and exports only those with metadata.
    public var losses: Graph

    /// What writing `graph` as `.fbp` and reading it back would lose.
    public init(lostBy graph: Graph) throws(FBPSerializationError) {
        let reread: Graph
        do {
            reread = try FBPParser.parse(try graph.fbpText(), caseSensitive: graph.caseSensitive)
        } catch let error as FBPSerializationError {
            throw error
        } catch {
            // Our own serializer's output did not parse back: keep everything.
            self.losses = graph
            return
        }
        var lost = Graph(caseSensitive: graph.caseSensitive)
        lost.properties = graph.properties.filter { reread.properties[$0.key] != $0.value }
        for process in graph.processes {
            let kept = reread.process(named: process.name)?.metadata ?? [:]
            let missing = process.metadata.filter { kept[$0.key] != $0.value }
            if !missing.isEmpty { lost.processes.append(GraphProcess(name: process.name, component: process.component, metadata: missing)) }
        }
        lost.connections = graph.connections.filter { !$0.metadata.isEmpty }
        lost.inports = graph.inports.filter { !$0.value.metadata.isEmpty }
        lost.outports = graph.outports.filter { !$0.value.metadata.isEmpty }
        lost.groups = graph.groups
        self.losses = lost
    }

    init(stored: Graph) { losses = stored }

    public var isEmpty: Bool {
        losses.properties.isEmpty && losses.processes.isEmpty && losses.connections.isEmpty
            && losses.inports.isEmpty && losses.outports.isEmpty && losses.groups.isEmpty
    }

    public var jsonText: String { losses.jsonText() }

    public init(jsonText: String) throws(GraphFileError) {
        self.init(stored: try Graph(jsonText: jsonText))
    }
}
