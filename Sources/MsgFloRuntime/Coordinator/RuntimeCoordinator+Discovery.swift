import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    /// A participant announced itself. The announcement's own time counts (not
    /// when it was read), clamped to now; one older than the expiry is a
    /// leftover of a backlog and ignored. New components and new definitions
    /// are sent to clients; bindings are re-planned with the announced queues.
    mutating func discovered(_ definition: ParticipantDefinition, announcedAt: Date?, at now: Date, _ out: inout Outbox) {
        let stamp = min(announcedAt ?? now, now)
        guard now.timeIntervalSince(stamp) <= registry.expiry else { return }
        let result = registry.ingest(definition, at: stamp)
        let known = components[definition.component]
        components[definition.component] = definition
        if known?.withoutIdentity != definition.withoutIdentity {
            broadcast(componentMessage(definition.component), &out)
        }
        if case .added(let entry) = result, !graphOrder.contains(where: { slots[$0]?.graph.graph.process(named: entry.role) != nil }) {
            broadcast(
                FBPReply.output(
                    "participant \(entry.id) of role '\(entry.role)' (\(entry.definition.component)) is running but is in no graph; graph:addnode \(entry.role) adds it"
                ), &out)
        }
        switch result {
        case .added, .updated(_, changed: true): reconcile(&out)
        default: break
        }
        announceLiveChanges(nil, &out)
    }

    /// Expires silent participants and reports skipped edge data that is due.
    mutating func tick(at now: Date, _ out: inout Outbox) {
        let gone = registry.expire(now: now)
        for entry in gone {
            let graph = graphOrder.first { slots[$0]?.graph.graph.process(named: entry.role) != nil }
            let message =
                "participant \(entry.id) of role '\(entry.role)' was not heard from for \(registry.expiry.formatted()) s and is considered gone"
            // A node of a graph going silent is an error of that graph; a
            // participant no graph uses is only news (it was listed as such).
            if let graph {
                broadcast(FBPReply.error(on: .network, message: message, graph: graph), &out)
            } else {
                broadcast(FBPReply.output(message), &out)
            }
        }
        if !gone.isEmpty {
            reconcile(&out)
            announceLiveChanges(nil, &out)
        }
        for client in clients.keys.sorted() {
            guard let samplers = clients[client]?.samplers else { continue }
            for key in samplers.keys.sorted(by: { EdgeID.text($0.edge) < EdgeID.text($1.edge) }) {
                reportSkipped(key, client: client, at: now, &out)
            }
        }
    }

    /// Tells clients about nodes that went online or offline and edges whose
    /// queues changed since they were last told (graph:changenode / changeedge);
    /// as part of the answer to `request` when a request caused them.
    mutating func announceLiveChanges(_ request: RequestContext?, _ out: inout Outbox) {
        let view = liveView
        for id in graphOrder {
            guard let slot = slots[id] else { continue }
            let graph = slot.graph.graph
            let current = view.snapshot(of: graph)
            for process in graph.processes where current.nodes[process.name] != slot.announced.nodes[process.name] {
                let metadata = LiveView.annotated(process.metadata, current.nodes[process.name])
                announce(FBPReply.graphChange(.nodeChanged(id: process.name, metadata: metadata), graph: id), request, &out)
            }
            for connection in graph.connections {
                guard let src = connection.src else { continue }
                let edge = EdgeEnds(src: src, tgt: connection.target)
                guard current.edges[edge] != slot.announced.edges[edge] else { continue }
                let metadata = LiveView.annotated(connection.metadata, current.edges[edge])
                announce(FBPReply.graphChange(.edgeChanged(edge, metadata: metadata), graph: id), request, &out)
            }
            slots[id]?.announced = current
        }
    }
}

extension ParticipantDefinition {
    /// The definition as a component description, without what names one instance.
    var withoutIdentity: ParticipantDefinition {
        var copy = self
        copy.id = ""
        copy.role = ""
        return copy
    }
}
