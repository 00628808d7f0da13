import MsgFlo
import MsgFloGraph

extension GraphEditor {
    func exports(_ direction: PortDirection) -> [String: GraphExport] {
        direction == .inport ? graph.inports : graph.outports
    }

    mutating func setExports(_ direction: PortDirection, _ change: (inout [String: GraphExport]) -> Void) {
        switch direction {
        case .inport: change(&graph.inports)
        case .outport: change(&graph.outports)
        }
    }

    mutating func addExport(
        _ direction: PortDirection, _ name: String, node: String, port: String,
        metadata: [String: JSONValue]
    ) throws(GraphEditError) -> [GraphChange] {
        try checkPort(PortRef(process: node, port: port), direction)
        if let existing = exports(direction)[name] { throw .exportExists(direction, public: name, to: existing) }
        let export = GraphExport(process: node, port: port, metadata: MetadataPatch.initial(metadata))
        setExports(direction) { $0[name] = export }
        return [.exportAdded(direction, public: name, export)]
    }

    mutating func removeExport(_ direction: PortDirection, _ name: String) throws(GraphEditError) -> [GraphChange] {
        guard exports(direction)[name] != nil else { throw unknownExport(direction, name) }
        setExports(direction) { $0[name] = nil }
        return [.exportRemoved(direction, public: name)]
    }

    mutating func renameExport(_ direction: PortDirection, from: String, to: String) throws(GraphEditError) -> [GraphChange] {
        guard let export = exports(direction)[from] else { throw unknownExport(direction, from) }
        guard from != to else { return [.exportRenamed(direction, from: from, to: to)] }
        if let existing = exports(direction)[to] { throw .exportExists(direction, public: to, to: existing) }
        setExports(direction) {
            $0[from] = nil
            $0[to] = export
        }
        return [.exportRenamed(direction, from: from, to: to)]
    }

    private func unknownExport(_ direction: PortDirection, _ name: String) -> GraphEditError {
        .unknownExport(direction, public: name, known: exports(direction).keys.sorted())
    }
}
