import Foundation
import MsgFlo
import MsgFloGraph

/// One graph the runtime holds: the desired state of part of the system.
public struct RuntimeGraph: Sendable, Hashable {
    /// The id clients use in `graph` fields.
    public var id: String
    public var graph: Graph
    /// Where auto-save writes it; nil for graphs made over the protocol.
    public var storage: GraphStorage?

    public init(id: String, graph: Graph, storage: GraphStorage? = nil) {
        self.id = id
        self.graph = graph
        self.storage = storage
    }
}

/// A graph and what the coordinator did with it.
struct GraphSlot: Sendable {
    var graph: RuntimeGraph
    /// Whether the runtime enforces this graph on the broker. A stopped graph's
    /// bindings are left as they are (unbinding would drop what participants
    /// publish meanwhile); edits to it take effect at the next start.
    var running = false
    /// Whether it was ever started (the protocol's `started`).
    var started = false
    var startedAt: Date?
    /// Bindings this graph made on the broker.
    var applied: [Binding] = []
    /// The last bindings planned without error, kept while the graph cannot be planned
    /// (a half-drawn round-robin node) so nothing is torn down meanwhile.
    var lastPlan: [Binding] = []
    /// The planning error last reported, so it is reported once.
    var planError: String?
    /// The live annotations clients were last told about (see `LiveView`).
    var announced = LiveSnapshot()

    init(_ graph: RuntimeGraph) { self.graph = graph }
}

/// What the coordinator keeps per connected client.
struct ClientState: Sendable {
    /// Whether the client sent the secret (always, without one); only such clients get broadcasts.
    var authorized: Bool
    /// Edges selected with network:edges, per graph, as the graph stores them.
    var watched: [String: [EdgeEnds]] = [:]
    /// Graphs for which the client asked for debug messages (network:processerror).
    var debug: Set<String> = []
    /// One sampler per watched edge.
    var samplers: [WatchedEdge: EdgeSampler] = [:]
}

/// An edge of a graph, as a dictionary key.
struct WatchedEdge: Sendable, Hashable {
    var graph: String
    var edge: EdgeEnds
}
