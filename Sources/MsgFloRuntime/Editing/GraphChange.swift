import MsgFlo
import MsgFloGraph

/// One accepted change to a graph, with the values actually stored.
///
/// The coordinator tells every client about each change (the protocol's echo),
/// and a single request can cause several: removing a node also removes its
/// edges, initial packets, exports and group memberships, and clients must
/// hear about each or their picture of the graph drifts from the runtime's.
public enum GraphChange: Sendable, Hashable {
    case cleared(GraphClear)
    case nodeAdded(GraphProcess)
    case nodeRemoved(String)
    case nodeRenamed(from: String, to: String)
    case nodeChanged(id: String, metadata: [String: JSONValue])
    case edgeAdded(EdgeEnds, metadata: [String: JSONValue])
    case edgeRemoved(EdgeEnds)
    case edgeChanged(EdgeEnds, metadata: [String: JSONValue])
    case initialAdded(data: JSONValue, tgt: PortRef, metadata: [String: JSONValue])
    case initialRemoved(data: JSONValue, tgt: PortRef)
    case exportAdded(PortDirection, public: String, GraphExport)
    case exportRemoved(PortDirection, public: String)
    case exportRenamed(PortDirection, from: String, to: String)
    case groupAdded(GraphGroup)
    case groupRemoved(String)
    case groupRenamed(from: String, to: String)
    case groupChanged(name: String, metadata: [String: JSONValue])

    /// Whether the change can alter broker bindings, processes or taps (metadata edits cannot).
    public var affectsTopology: Bool {
        switch self {
        case .nodeChanged, .edgeChanged, .groupAdded, .groupRemoved, .groupRenamed, .groupChanged: false
        default: true
        }
    }

    /// Whether the exported ports changed, so clients need a new `runtime:ports`.
    public var affectsExports: Bool {
        switch self {
        case .cleared, .exportAdded, .exportRemoved, .exportRenamed, .nodeRemoved, .nodeRenamed: true
        default: false
        }
    }
}
