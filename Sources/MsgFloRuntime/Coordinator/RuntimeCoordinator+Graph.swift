import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    /// Applies a graph edit, echoes every change to every client, then brings
    /// the broker, the processes and the taps in line with the edited graph.
    mutating func handleGraph(_ request: GraphRequest, _ context: RequestContext, at now: Date, _ out: inout Outbox) {
        let id = request.graph
        if case .clear(let clear) = request {
            if slots[id] == nil {
                graphOrder.append(id)
                slots[id] = GraphSlot(RuntimeGraph(id: id, graph: Graph()))
            }
            if clear.main == true { mainGraph = id }
        }
        guard let slot = slots[id] else {
            return fail(.graph, GraphEditError.unknownGraph(id, known: graphOrder).description, context, &out)
        }
        var editor = GraphEditor(
            graph: slot.graph.graph, catalog: portCatalog,
            requiresFBP: slot.graph.storage?.format == .fbp)
        let changes: [GraphChange]
        do { changes = try editor.apply(request) } catch {
            return fail(.graph, error.description, context, &out)
        }
        slots[id]?.graph.graph = editor.graph
        graphChanged(id, changes, context, at: now, &out)
    }

    var portCatalog: PortCatalog {
        PortCatalog(byRole: liveView.queues.participantsByRole, byComponent: components)
    }

    /// Everything that follows accepted changes: echoes, IIPs of a running
    /// graph, reconciling, new exported ports, auto-save, live-state news.
    mutating func graphChanged(_ id: String, _ changes: [GraphChange], _ context: RequestContext?, at now: Date, _ out: inout Outbox) {
        guard let graph = slots[id]?.graph.graph else { return }
        let view = liveView
        for change in changes {
            announce(FBPReply.graphChange(annotated(change, graph, view, in: id), graph: id), context, &out)
            switch change {
            case .nodeAdded(let process): exitedRoles.remove(process.name)
            case .nodeRemoved(let node): exitedRoles.remove(node)
            case .nodeRenamed(let from, let to):
                exitedRoles.remove(from)
                exitedRoles.remove(to)
            case .initialAdded(let data, let tgt, _) where slots[id]?.running == true:
                out.perform(publishAction(to: tgt, data: data))
            default: break
            }
        }
        forgetRemovedEdges(in: id)
        if changes.contains(where: \.affectsTopology) { reconcile(&out) }
        if changes.contains(where: \.affectsExports) { announce(ports(of: id), context, &out) }
        save(id, &out)
        announceLiveChanges(context, &out)
    }

    /// The change as clients see it: added or changed nodes and edges carry their
    /// live annotation, which is also recorded as told. Renames carry the record along.
    mutating func annotated(_ change: GraphChange, _ graph: Graph, _ view: LiveView, in id: String) -> GraphChange {
        switch change {
        case .cleared:
            slots[id]?.announced = LiveSnapshot()
        case .nodeRenamed(let from, let to):
            slots[id]?.announced.rename(from, to: to)
        case .nodeAdded(var process):
            let live = view.node(process)
            slots[id]?.announced.nodes[process.name] = live
            process.metadata = LiveView.annotated(process.metadata, live)
            return .nodeAdded(process)
        case .nodeChanged(let node, let metadata):
            guard let process = graph.process(named: node) else { break }
            let live = view.node(process)
            slots[id]?.announced.nodes[node] = live
            return .nodeChanged(id: node, metadata: LiveView.annotated(metadata, live))
        case .edgeAdded(let edge, let metadata):
            let live = view.edge(edge, in: graph)
            slots[id]?.announced.edges[edge] = live
            return .edgeAdded(edge, metadata: LiveView.annotated(metadata, live))
        case .edgeChanged(let edge, let metadata):
            let live = view.edge(edge, in: graph)
            slots[id]?.announced.edges[edge] = live
            return .edgeChanged(edge, metadata: LiveView.annotated(metadata, live))
        default:
            break
        }
        return change
    }

    /// Drops watched edges the graph no longer has (removed, or renamed with a node).
    mutating func forgetRemovedEdges(in id: String) {
        guard let graph = slots[id]?.graph.graph else { return }
        let edges = Set(graph.connections.compactMap { c in c.src.map { EdgeEnds(src: $0, tgt: c.target) } })
        for client in clients.keys {
            guard let watched = clients[client]?.watched[id] else { continue }
            clients[client]?.watched[id] = watched.filter(edges.contains)
        }
    }

    /// With `--auto-save`, writes a graph that has a file back to it.
    func save(_ id: String, _ out: inout Outbox) {
        guard configuration.autoSave, let slot = slots[id], let storage = slot.graph.storage else { return }
        do {
            out.perform(.save(try storage.save(slot.graph.graph)))
        } catch {
            broadcast(FBPReply.error(on: .network, message: "not saved: \(error)", graph: id), &out)
        }
    }
}
