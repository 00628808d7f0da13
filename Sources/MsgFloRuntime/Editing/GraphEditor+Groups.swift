import MsgFlo
import MsgFloGraph

extension GraphEditor {
    mutating func addGroup(_ name: String, nodes: [String], metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        guard !graph.groups.contains(where: { $0.name == name }) else { throw .groupExists(name) }
        for node in nodes { _ = try process(node) }
        let group = GraphGroup(name: name, nodes: nodes, metadata: MetadataPatch.initial(metadata))
        graph.groups.append(group)
        return [.groupAdded(group)]
    }

    mutating func removeGroup(_ name: String) throws(GraphEditError) -> [GraphChange] {
        _ = try groupIndex(name)
        graph.groups.removeAll { $0.name == name }
        return [.groupRemoved(name)]
    }

    mutating func renameGroup(from: String, to: String) throws(GraphEditError) -> [GraphChange] {
        let index = try groupIndex(from)
        guard from != to else { return [.groupRenamed(from: from, to: to)] }
        guard !graph.groups.contains(where: { $0.name == to }) else { throw .groupExists(to) }
        graph.groups[index].name = to
        return [.groupRenamed(from: from, to: to)]
    }

    mutating func changeGroup(_ name: String, metadata: [String: JSONValue]) throws(GraphEditError) -> [GraphChange] {
        let index = try groupIndex(name)
        graph.groups[index].metadata = MetadataPatch.merge(metadata, into: graph.groups[index].metadata)
        return [.groupChanged(name: name, metadata: graph.groups[index].metadata)]
    }

    private func groupIndex(_ name: String) throws(GraphEditError) -> Int {
        guard let index = graph.groups.firstIndex(where: { $0.name == name }) else {
            throw .unknownGroup(name, known: graph.groups.map(\.name))
        }
        return index
    }
}
