import MsgFlo
import MsgFloGraph

extension GraphEditor {
    mutating func addNode(_ id: String, component: String, metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        guard graph.process(named: id) == nil else { throw .nodeExists(id) }
        let process = GraphProcess(name: id, component: component, metadata: MetadataPatch.initial(metadata))
        graph.processes.append(process)
        return [.nodeAdded(process)]
    }

    /// Removes the node and everything attached to it, reporting each piece so
    /// clients can drop it too: edges, initial packets, exports, then groups
    /// (a group that still has nodes is re-announced without it).
    mutating func removeNode(_ id: String) throws(GraphEditError) -> [GraphChange] {
        _ = try process(id)
        var changes: [GraphChange] = []
        graph.connections.removeAll { connection in
            let touches = connection.target.process == id || connection.src?.process == id
            guard touches else { return false }
            switch connection.source {
            case .port(let src): changes.append(.edgeRemoved(EdgeEnds(src: src, tgt: connection.target)))
            case .data(let data): changes.append(.initialRemoved(data: data, tgt: connection.target))
            }
            return true
        }
        for direction in [PortDirection.inport, .outport] {
            for name in exports(direction).filter({ $0.value.process == id }).keys.sorted() {
                setExports(direction) { $0[name] = nil }
                changes.append(.exportRemoved(direction, public: name))
            }
        }
        var groups: [GraphGroup] = []
        for group in graph.groups {
            guard group.nodes.contains(id) else {
                groups.append(group)
                continue
            }
            changes.append(.groupRemoved(group.name))
            var remaining = group
            remaining.nodes.removeAll { $0 == id }
            if !remaining.nodes.isEmpty {
                groups.append(remaining)
                changes.append(.groupAdded(remaining))
            }
        }
        graph.groups = groups
        graph.processes.removeAll { $0.name == id }
        changes.append(.nodeRemoved(id))
        return changes
    }

    /// Renames a node everywhere it is referred to; clients apply the same rename themselves.
    mutating func renameNode(from: String, to: String) throws(GraphEditError) -> [GraphChange] {
        _ = try process(from)
        guard from != to else { return [.nodeRenamed(from: from, to: to)] }
        guard graph.process(named: to) == nil else { throw .nodeExists(to) }
        func renamed(_ ref: PortRef) -> PortRef {
            var ref = ref
            if ref.process == from { ref.process = to }
            return ref
        }
        for index in graph.processes.indices where graph.processes[index].name == from {
            graph.processes[index].name = to
        }
        for index in graph.connections.indices {
            graph.connections[index].target = renamed(graph.connections[index].target)
            if case .port(let src) = graph.connections[index].source { graph.connections[index].source = .port(renamed(src)) }
        }
        for direction in [PortDirection.inport, .outport] {
            setExports(direction) { exports in
                for (name, export) in exports where export.process == from { exports[name]?.process = to }
            }
        }
        for index in graph.groups.indices {
            graph.groups[index].nodes = graph.groups[index].nodes.map { $0 == from ? to : $0 }
        }
        return [.nodeRenamed(from: from, to: to)]
    }

    mutating func changeNode(_ id: String, metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        guard let index = graph.processes.firstIndex(where: { $0.name == id }) else {
            throw .unknownNode(id, known: graph.processes.map(\.name))
        }
        graph.processes[index].metadata = MetadataPatch.merge(metadata, into: graph.processes[index].metadata)
        return [.nodeChanged(id: id, metadata: graph.processes[index].metadata)]
    }
}
