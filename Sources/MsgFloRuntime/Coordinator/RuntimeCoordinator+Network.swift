import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    mutating func handleNetwork(_ request: NetworkRequest, _ context: RequestContext, at now: Date, _ out: inout Outbox) {
        guard slots[request.graph] != nil else {
            let message = GraphEditError.unknownGraph(request.graph, known: graphOrder).description
            return fail(.network, message, graph: request.graph, context, &out)
        }
        switch request {
        case .start(let graph):
            startNetwork(graph, at: now, request: context, &out)
        case .stop(let graph):
            stopNetwork(graph, at: now, context, &out)
        case .getStatus(let graph):
            reply(status(graph, for: context.client, at: now), context, &out)
        case .debug(let graph, let enable):
            if enable { clients[context.client]?.debug.insert(graph) } else { clients[context.client]?.debug.remove(graph) }
            reply(status(graph, for: context.client, at: now), context, &out)
        case .edges(let graph, let edges):
            watch(edges, in: graph, context, &out)
        }
    }

    /// Starts enforcing the graph: its bindings are made, its processes started
    /// (`--participants`), and, when it was not running, its initial packets sent.
    mutating func startNetwork(_ graph: String, at now: Date, request: RequestContext?, _ out: inout Outbox) {
        guard let slot = slots[graph] else { return }
        for process in slot.graph.graph.processes { exitedRoles.remove(process.name) }
        if !slot.running {
            slots[graph]?.running = true
            slots[graph]?.startedAt = now
            for connection in slot.graph.graph.connections {
                if let data = connection.data { out.perform(publishAction(to: connection.target, data: data)) }
            }
        }
        slots[graph]?.started = true
        reconcile(&out)
        announce(
            FBPMessage(
                .network, "started",
                .object([
                    "graph": .string(graph), "time": FBPReply.timestamp(now), "started": true, "running": true,
                ])), request, &out)
    }

    /// Stops enforcing the graph: its processes stop (`--participants`); its
    /// bindings stay, since unbinding would drop what participants still publish.
    mutating func stopNetwork(_ graph: String, at now: Date, _ request: RequestContext, _ out: inout Outbox) {
        guard let slot = slots[graph] else { return }
        slots[graph]?.running = false
        reconcile(&out)
        var payload: [String: JSONValue] = [
            "graph": .string(graph), "time": FBPReply.timestamp(now), "running": false, "started": .bool(slot.started),
        ]
        if slot.running, let startedAt = slot.startedAt { payload["uptime"] = .number(now.timeIntervalSince(startedAt)) }
        announce(FBPMessage(.network, "stopped", .object(payload)), request, &out)
    }

    func status(_ graph: String, for client: ClientID, at now: Date) -> FBPMessage {
        let slot = slots[graph]
        var payload: [String: JSONValue] = [
            "graph": .string(graph), "running": .bool(slot?.running ?? false), "started": .bool(slot?.started ?? false),
            "debug": .bool(clients[client]?.debug.contains(graph) ?? false),
        ]
        if slot?.running == true, let startedAt = slot?.startedAt { payload["uptime"] = .number(now.timeIntervalSince(startedAt)) }
        return FBPMessage(.network, "status", .object(payload))
    }

    /// Replaces the client's watched edges in `graph`. Every edge must exist;
    /// if one does not, nothing changes and the error names it.
    mutating func watch(_ requested: [EdgeEnds], in graph: String, _ context: RequestContext, _ out: inout Outbox) {
        guard let stored = slots[graph]?.graph.graph else { return }
        let editor = GraphEditor(graph: stored)
        var selection: [EdgeEnds] = []
        for edge in requested {
            let found = stored.connections.compactMap { connection -> EdgeEnds? in
                guard let src = connection.src, editor.matches(src, edge.src), editor.matches(connection.target, edge.tgt) else { return nil }
                return EdgeEnds(src: src, tgt: connection.target)
            }
            guard !found.isEmpty else {
                return fail(.network, "cannot watch \(EdgeID.text(edge)): \(GraphEditError.unknownEdge(edge))", graph: graph, context, &out)
            }
            for edge in found where !selection.contains(edge) { selection.append(edge) }
        }
        clients[context.client]?.watched[graph] = selection
        let limit = configuration.edgeDataPerSecond
        var samplers = (clients[context.client]?.samplers ?? [:]).filter { key, _ in
            key.graph != graph || selection.contains(key.edge)
        }
        for edge in selection where samplers[WatchedEdge(graph: graph, edge: edge)] == nil {
            samplers[WatchedEdge(graph: graph, edge: edge)] = EdgeSampler(limit: limit)
        }
        clients[context.client]?.samplers = samplers
        reconcileTaps(&out)
        reply(FBPReply.edges(selection, graph: graph), context, &out)
    }
}
