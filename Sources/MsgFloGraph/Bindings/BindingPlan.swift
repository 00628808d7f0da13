import MsgFlo

/// What `msgflo setup` binds on the broker for a graph, as a pure function.
///
/// Follows msgflo's `graphBindings`: every participant-to-participant edge is a
/// pubsub binding; a `msgflo/RoundRobin` node joins its input and OUT into a
/// roundrobin binding and its DEADLETTER into a deadletter binding; IIPs bind
/// nothing. Unlike msgflo, a `msgflo/PubSub` node is honoured (each of its
/// sources is bound to each of its targets) instead of being dropped, and
/// incomplete round-robin nodes are reported instead of producing half bindings.
public enum BindingPlan {
    public static let roundRobinComponent = "msgflo/RoundRobin"
    public static let pubSubComponent = "msgflo/PubSub"

    public static func bindings(for graph: Graph, queues: some QueueResolving = ConventionalQueues()) throws(BindingPlanError) -> [Binding] {
        let components = Dictionary(graph.processes.map { ($0.name, $0.component) }, uniquingKeysWith: { _, last in last })
        var direct: [Binding] = []
        var hubs: [String: Hub] = [:]

        for connection in graph.connections {
            guard let src = connection.src else { continue }
            let tgt = connection.target
            let label = "\(src) -> \(tgt)"
            guard let srcComponent = components[src.process] else { throw .unknownProcess(src.process, connection: label) }
            guard let tgtComponent = components[tgt.process] else { throw .unknownProcess(tgt.process, connection: label) }
            let srcIsHub = isRouting(srcComponent)
            let tgtIsHub = isRouting(tgtComponent)
            if srcIsHub && tgtIsHub { throw .routingNodesChained(from: src.process, to: tgt.process) }
            if srcIsHub {
                let queue = try queues.queue(role: tgt.process, port: tgt.port, direction: .inport)
                if srcComponent == roundRobinComponent && src.port.lowercased() == "deadletter" {
                    hubs[src.process, default: Hub()].deadletters.append(queue)
                } else {
                    hubs[src.process, default: Hub()].targets.append(queue)
                }
            } else if tgtIsHub {
                let queue = try queues.queue(role: src.process, port: src.port, direction: .outport)
                hubs[tgt.process, default: Hub()].sources.append(queue)
            } else if !srcComponent.isEmpty && !tgtComponent.isEmpty {
                direct.append(
                    Binding(
                        kind: .pubsub,
                        source: try queues.queue(role: src.process, port: src.port, direction: .outport),
                        target: try queues.queue(role: tgt.process, port: tgt.port, direction: .inport)))
            }
        }

        var result = direct
        for process in graph.processes {
            guard let hub = hubs[process.name] else { continue }
            if process.component == pubSubComponent {
                for source in hub.sources {
                    for target in hub.targets { result.append(Binding(kind: .pubsub, source: source, target: target)) }
                }
                continue
            }
            let targets = unique(hub.targets)
            guard targets.count <= 1 else { throw .roundRobinWithSeveralTargets(node: process.name, targets: targets) }
            guard let target = targets.first else {
                throw .roundRobinWithoutTarget(node: process.name)
            }
            for source in hub.sources { result.append(Binding(kind: .roundrobin, source: source, target: target)) }
            for deadletter in hub.deadletters { result.append(Binding(kind: .deadletter, source: target, target: deadletter)) }
        }
        return unique(result)
    }

    private static func isRouting(_ component: String) -> Bool {
        component == roundRobinComponent || component == pubSubComponent
    }

    /// Inputs and outputs collected for one routing node.
    private struct Hub {
        var sources: [String] = []
        var targets: [String] = []
        var deadletters: [String] = []
    }

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}

extension Binding {
    /// One line for logs and `msgflo setup` output, e.g. `PUBSUB web.OUT -> resize.IN`.
    public var summary: String { "\(kind.rawValue.uppercased()) \(source) -> \(target)" }
}
