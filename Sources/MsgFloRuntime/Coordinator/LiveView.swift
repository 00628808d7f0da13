import MsgFlo
import MsgFloGraph
import PlatformClients

/// The actual state (discovery) laid over the desired state (the graph), as
/// the metadata clients see. Never stored in the graph, so never saved.
///
/// Keys, under the reserved `metadata.msgflo`:
/// - node (participant roles only; routing nodes have none):
///   `{"online": Bool, "instances": Int}`: live participants of the role.
/// - edge between two participants: `{"exchange": String, "queue": String}`:
///   the broker names the edge binds (announced ones, else the convention);
///   with queue statistics for the target queue also `{"messages": Int,
///   "rate": Double, "consumers": Int}`: its depth (ready + unacknowledged),
///   the messages published into it per second (rounded to 0.1, so a rate
///   that only jitters is not news every time), and its consumers.
struct LiveView: Sendable {
    var instances: [String: Int]
    var queues: DiscoveredQueues
    var stats: [String: QueueStats]

    init(registry: ParticipantRegistry, stats: [String: QueueStats] = [:]) {
        instances = registry.byRole.mapValues(\.count)
        let newestLast = registry.participants.sorted { $0.lastSeen < $1.lastSeen }.map(\.definition)
        queues = DiscoveredQueues(newestLast)
        self.stats = stats
    }

    func node(_ process: GraphProcess) -> JSONValue? {
        guard process.isParticipant else { return nil }
        let count = instances[process.name] ?? 0
        return ["online": .bool(count > 0), "instances": .number(Double(count))]
    }

    func edge(_ edge: EdgeEnds, in graph: Graph) -> JSONValue? {
        guard let src = graph.process(named: edge.src.process), src.isParticipant,
            let tgt = graph.process(named: edge.tgt.process), tgt.isParticipant
        else { return nil }
        let target = queue(edge.tgt)
        var live: [String: JSONValue] = ["exchange": .string(exchange(edge.src)), "queue": .string(target)]
        if let figures = stats[target] {
            live["messages"] = .number(Double(max(0, figures.messages)))
            live["rate"] = .number(Self.rounded(figures.publishRate))
            live["consumers"] = .number(Double(max(0, figures.consumers)))
        }
        return .object(live)
    }

    /// A rate to one decimal; a non-finite or negative figure (a broker glitch) reads as 0.
    static func rounded(_ rate: Double) -> Double {
        guard rate.isFinite, rate > 0 else { return 0 }
        return (rate * 10).rounded() / 10
    }

    /// The exchange of an outport: announced, else (unknown port, unknown role) the convention.
    func exchange(_ ref: PortRef) -> String {
        (try? queues.queue(role: ref.process, port: ref.port, direction: .outport))
            ?? ParticipantDefinition.conventionalQueue(role: ref.process, port: ref.port)
    }

    func queue(_ ref: PortRef) -> String {
        (try? queues.queue(role: ref.process, port: ref.port, direction: .inport))
            ?? ParticipantDefinition.conventionalQueue(role: ref.process, port: ref.port)
    }

    static func annotated(_ metadata: [String: JSONValue], _ live: JSONValue?) -> [String: JSONValue] {
        var result = metadata
        result[MetadataPatch.reservedKey] = live
        return result
    }

    /// The graph as clients see it: every node and edge carrying its live annotation.
    func annotated(_ graph: Graph) -> Graph {
        var copy = graph
        for index in copy.processes.indices {
            copy.processes[index].metadata = Self.annotated(copy.processes[index].metadata, node(copy.processes[index]))
        }
        for index in copy.connections.indices {
            guard let src = copy.connections[index].src else { continue }
            let live = edge(EdgeEnds(src: src, tgt: copy.connections[index].target), in: graph)
            copy.connections[index].metadata = Self.annotated(copy.connections[index].metadata, live)
        }
        return copy
    }

    /// The annotations of one graph, to compare with what clients were told.
    func snapshot(of graph: Graph) -> LiveSnapshot {
        var snapshot = LiveSnapshot()
        for process in graph.processes { snapshot.nodes[process.name] = node(process) }
        for connection in graph.connections {
            guard let src = connection.src else { continue }
            let ends = EdgeEnds(src: src, tgt: connection.target)
            snapshot.edges[ends] = edge(ends, in: graph)
        }
        return snapshot
    }
}

/// Live annotations of one graph's nodes and edges, by node id and edge.
struct LiveSnapshot: Sendable, Hashable {
    var nodes: [String: JSONValue] = [:]
    var edges: [EdgeEnds: JSONValue] = [:]

    /// Follows a node rename, so only a real change of state is announced afterwards.
    mutating func rename(_ from: String, to: String) {
        if let value = nodes.removeValue(forKey: from) { nodes[to] = value }
        func renamed(_ ref: PortRef) -> PortRef {
            var ref = ref
            if ref.process == from { ref.process = to }
            return ref
        }
        edges = Dictionary(
            edges.map { (EdgeEnds(src: renamed($0.key.src), tgt: renamed($0.key.tgt)), $0.value) },
            uniquingKeysWith: { _, last in last })
    }
}
