import MsgFlo
import MsgFloGraph

extension GraphEditor {
    mutating func addEdge(_ edge: EdgeEnds, metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        try checkPort(edge.src, .outport)
        try checkPort(edge.tgt, .inport)
        let caseSensitive = graph.caseSensitive
        let exact = { (ref: PortRef, other: PortRef) in
            ref.process == other.process && ref.index == other.index
                && (caseSensitive ? ref.port == other.port : ref.port.lowercased() == other.port.lowercased())
        }
        if graph.connections.contains(where: { connection in
            guard let src = connection.src else { return false }
            return exact(src, edge.src) && exact(connection.target, edge.tgt)
        }) {
            throw .edgeExists(edge)
        }
        let stored = MetadataPatch.initial(metadata)
        graph.connections.append(GraphConnection(from: edge.src, to: edge.tgt, metadata: stored))
        return [.edgeAdded(edge, metadata: stored)]
    }

    /// Removes every edge between the two ports (any index when the request gives none).
    mutating func removeEdge(_ edge: EdgeEnds) throws(GraphEditError) -> [GraphChange] {
        var changes: [GraphChange] = []
        let matcher = self
        graph.connections.removeAll { connection in
            guard let src = connection.src, matcher.matches(src, edge.src), matcher.matches(connection.target, edge.tgt) else { return false }
            changes.append(.edgeRemoved(EdgeEnds(src: src, tgt: connection.target)))
            return true
        }
        guard !changes.isEmpty else { throw .unknownEdge(edge) }
        return changes
    }

    mutating func changeEdge(_ edge: EdgeEnds, metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        var changes: [GraphChange] = []
        for index in graph.connections.indices {
            guard let src = graph.connections[index].src, matches(src, edge.src),
                matches(graph.connections[index].target, edge.tgt)
            else { continue }
            graph.connections[index].metadata = MetadataPatch.merge(metadata, into: graph.connections[index].metadata)
            changes.append(
                .edgeChanged(
                    EdgeEnds(src: src, tgt: graph.connections[index].target),
                    metadata: graph.connections[index].metadata))
        }
        guard !changes.isEmpty else { throw .unknownEdge(edge) }
        return changes
    }

    mutating func addInitial(_ data: JSONValue, to tgt: PortRef, metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        try checkPort(tgt, .inport)
        let stored = MetadataPatch.initial(metadata)
        graph.connections.append(GraphConnection(data: data, to: tgt, metadata: stored))
        return [.initialAdded(data: data, tgt: tgt, metadata: stored)]
    }

    /// Removes the initial packets to `tgt`, only those equal to `data` when it is given.
    mutating func removeInitial(_ data: JSONValue?, to tgt: PortRef) throws(GraphEditError) -> [GraphChange] {
        var changes: [GraphChange] = []
        let matcher = self
        graph.connections.removeAll { connection in
            guard let value = connection.data, matcher.matches(connection.target, tgt), data == nil || data == value else { return false }
            changes.append(.initialRemoved(data: value, tgt: connection.target))
            return true
        }
        guard !changes.isEmpty else { throw .noInitialPacket(tgt) }
        return changes
    }
}
