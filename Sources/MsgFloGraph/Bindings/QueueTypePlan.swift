import MsgFlo

/// Which type (classic or quorum) each inport queue of a graph is declared as.
///
/// The most specific setting wins: a port's (`queueType_IN=quorum` in a
/// node's metadata), then the node's (`queueType=quorum`), then the graph's
/// (`# @queueType quorum` in .fbp, `properties.queueType` in JSON), then the
/// deployment's (`MSGFLO_QUEUE_TYPE`, passed as `deploymentDefault`). With
/// none, queues are classic, as msgflo-nodejs declares them. Pure.
public enum QueueTypePlan {
    /// The metadata and property key.
    public static let key = "queueType"

    /// Queue name to type, for every inport a connection of the graph targets.
    public static func types(
        for graph: Graph, queues: some QueueResolving = ConventionalQueues(), deploymentDefault: QueueType? = nil
    ) throws(BindingPlanError) -> [String: QueueType] {
        let graphType = try setting(graph.properties[key], at: "the graph's \(key) property") ?? deploymentDefault
        let processes = Dictionary(graph.processes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        var result: [String: QueueType] = [:]
        for connection in graph.connections {
            let target = connection.target
            guard let process = processes[target.process], process.isParticipant else { continue }
            // Port names compare without case, as graphs without `caseSensitive` read them.
            let portKey = process.metadata.keys.first { $0.lowercased() == "\(key)_\(target.port)".lowercased() }
            let portType = try setting(portKey.flatMap { process.metadata[$0] }, at: "\(portKey ?? key) of node '\(process.name)'")
            let nodeType = try setting(process.metadata[key], at: "\(key) of node '\(process.name)'")
            guard let type = portType ?? nodeType ?? graphType else { continue }
            result[try queues.queue(role: process.name, port: target.port, direction: .inport)] = type
        }
        return result
    }

    private static func setting(_ value: JSONValue?, at place: String) throws(BindingPlanError) -> QueueType? {
        guard let value else { return nil }
        guard let text = value.stringValue, let type = QueueType(parsing: text) else {
            throw .invalidQueueType(place: place, value: value.stringValue ?? "\(value)")
        }
        return type
    }
}
