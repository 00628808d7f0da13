import MsgFlo
import MsgFloGraph

extension FBPSidecar {
    /// Puts the sidecar's metadata back onto a graph read from `.fbp`; returns
    /// one line per entry that no longer matches (dropped, the `.fbp` wins).
    public func apply(to graph: inout Graph) -> [String] {
        var warnings: [String] = []
        for (key, value) in losses.properties { graph.properties[key] = value }
        for process in losses.processes {
            guard let index = graph.processes.firstIndex(where: { $0.name == process.name }) else {
                warnings.append("metadata for node '\(process.name)', which the graph no longer has, was dropped")
                continue
            }
            graph.processes[index].metadata.merge(process.metadata) { _, sidecar in sidecar }
        }
        for connection in losses.connections {
            guard let index = graph.connections.firstIndex(where: { Self.same($0, connection, graph.caseSensitive) }) else {
                warnings.append("metadata for connection to \(connection.target), which the graph no longer has, was dropped")
                continue
            }
            graph.connections[index].metadata.merge(connection.metadata) { _, sidecar in sidecar }
        }
        warnings += Self.restore(losses.inports, into: &graph.inports, kind: "inport")
        warnings += Self.restore(losses.outports, into: &graph.outports, kind: "outport")
        let nodes = Set(graph.processes.map(\.name))
        for var group in losses.groups {
            let missing = group.nodes.filter { !nodes.contains($0) }
            group.nodes.removeAll { !nodes.contains($0) }
            if !missing.isEmpty {
                warnings.append("group '\(group.name)' lost nodes the graph no longer has: \(missing.joined(separator: ", "))")
            }
            if !group.nodes.isEmpty && !graph.groups.contains(where: { $0.name == group.name }) { graph.groups.append(group) }
        }
        return warnings
    }

    private static func restore(_ lost: [String: GraphExport], into exports: inout [String: GraphExport], kind: String) -> [String] {
        var warnings: [String] = []
        for name in lost.keys.sorted() {
            guard let export = lost[name] else { continue }
            let match = exports.keys.first { $0 == name } ?? exports.keys.first { $0.lowercased() == name.lowercased() }
            guard let match else {
                warnings.append("metadata for exported \(kind) '\(name)', which the graph no longer has, was dropped")
                continue
            }
            exports[match]?.metadata.merge(export.metadata) { _, sidecar in sidecar }
        }
        return warnings
    }

    /// Same connection after a `.fbp` round trip, where ports of a case-insensitive graph come back lower-cased.
    static func same(_ a: GraphConnection, _ b: GraphConnection, _ caseSensitive: Bool) -> Bool {
        func port(_ x: PortRef, _ y: PortRef) -> Bool {
            x.process == y.process && x.index == y.index
                && (caseSensitive ? x.port == y.port : x.port.lowercased() == y.port.lowercased())
        }
        guard port(a.target, b.target) else { return false }
        switch (a.source, b.source) {
        case (.port(let x), .port(let y)): return port(x, y)
        case (.data(let x), .data(let y)): return x == y
        default: return false
        }
    }
}
