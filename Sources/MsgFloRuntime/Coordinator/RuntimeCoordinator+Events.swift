import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    /// A message seen on a tapped exchange, sent where its routes say:
    /// sampled per client per edge as network:data, as runtime:packet for an
    /// exported outport, as network:error for an error port.
    mutating func tapped(_ exchange: String, body data: Data, at now: Date, _ out: inout Outbox) {
        // Read once, and only if some route shows it.
        var parsed: JSONValue?
        func body() -> JSONValue {
            if let parsed { return parsed }
            let value = JSONValue(messageBody: data)
            parsed = value
            return value
        }
        for route in tapRoutes[exchange] ?? [] {
            switch route {
            case .edge(let key, let watching):
                for client in watching {
                    var sampler = clients[client]?.samplers[key] ?? EdgeSampler(limit: configuration.edgeDataPerSecond)
                    let admitted = sampler.admit(at: now)
                    clients[client]?.samplers[key] = sampler
                    guard admitted else { continue }
                    reportSkipped(key, client: client, at: now, &out)
                    out.send(FBPReply.data(key.edge, graph: key.graph, data: body()), to: client)
                }
            case .export(let graph, let name):
                broadcast(FBPReply.packet(RuntimePacket(graph: graph, port: name, event: .data, payload: body())), &out)
            case .errorPort(let graph, let node):
                let text = String(decoding: body().encoded(), as: UTF8.self)
                broadcast(FBPReply.error(on: .network, message: "'\(node)' sent on its error port: \(text)", graph: graph), &out)
                let debugging = audience.filter { clients[$0]?.debug.contains(graph) == true }
                out.send(FBPReply.processError(node: node, error: text, graph: graph), to: debugging)
            }
        }
    }

    /// Tells the client how many messages of an edge it did not see, when due (see `EdgeSampler`).
    mutating func reportSkipped(_ key: WatchedEdge, client: ClientID, at now: Date, _ out: inout Outbox) {
        guard let count = clients[client]?.samplers[key]?.skipReport(at: now) else { return }
        let line =
            "skipped \(count) message\(count == 1 ? "" : "s") on \(EdgeID.text(key.edge)) in graph '\(key.graph)' "
            + "(at most \(configuration.edgeDataPerSecond) per second are shown)"
        out.send(FBPReply.output(line), to: client)
    }

    /// A process the runtime started ended. It is not restarted at once (a
    /// failing command would loop); network:start or editing its node restarts it.
    mutating func processExited(_ role: String, status: Int32, _ out: inout Outbox) {
        guard processes.contains(where: { $0.role == role }) else { return }
        processes.removeAll { $0.role == role }
        exitedRoles.insert(role)
        let graph = graphOrder.first { slots[$0]?.graph.graph.process(named: role) != nil }
        broadcast(
            FBPReply.error(
                on: .network, message: "the process of '\(role)' exited with status \(status); network:start starts it again", graph: graph), &out)
    }

    /// The shell could not do something; the coordinator stops believing it
    /// was done (so the next reconcile tries again) and tells the clients.
    mutating func actionFailed(_ action: RuntimeAction, reason: String, _ out: inout Outbox) {
        let what: String
        switch action {
        case .bind(let binding, _):
            for id in graphOrder { slots[id]?.applied.removeAll { $0 == binding } }
            what = "could not bind \(binding.summary)"
        case .unbind(let binding, _):
            what = "could not unbind \(binding.summary)"
        case .publish(let queue, _, _):
            what = "could not send to queue \(queue)"
        case .startTap(let exchange):
            taps.removeAll { $0 == exchange }
            what = "cannot show messages of exchange \(exchange)"
        case .stopTap(let exchange):
            what = "could not stop watching exchange \(exchange)"
        case .startProcess(let role, _):
            processes.removeAll { $0.role == role }
            exitedRoles.insert(role)
            what = "could not start the process of '\(role)'"
        case .stopProcess(let role):
            what = "could not stop the process of '\(role)'"
        case .save(let save):
            what = "could not save the graph to \(save.path)"
        }
        broadcast(FBPReply.error(on: .network, message: "\(what): \(reason)"), &out)
    }
}
