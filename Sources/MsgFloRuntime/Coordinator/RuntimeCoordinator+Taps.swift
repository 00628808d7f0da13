import Foundation
import MsgFlo
import MsgFloGraph

/// Why an exchange is tapped, and where what it carries goes.
enum TapRoute: Sendable, Hashable {
    /// A watched edge, and the clients watching it.
    case edge(WatchedEdge, clients: [ClientID])
    /// An exported outport: its messages go to clients as runtime:packet.
    case export(graph: String, public: String)
    /// A node's `error` outport: its messages go to clients as network:error.
    case errorPort(graph: String, node: String)
}

extension RuntimeCoordinator {
    /// Taps exactly the exchanges someone needs: sources of watched edges,
    /// and, while any client is connected, exported outports and error ports.
    mutating func reconcileTaps(_ out: inout Outbox) {
        let view = liveView
        let audience = audience
        var routes: [String: [TapRoute]] = [:]
        var order: [String] = []
        func add(_ exchange: String, _ route: TapRoute) {
            if routes[exchange] == nil { order.append(exchange) }
            if !(routes[exchange]?.contains(route) ?? false) { routes[exchange, default: []].append(route) }
        }
        for id in graphOrder {
            guard let graph = slots[id]?.graph.graph else { continue }
            var watchers: [(edge: EdgeEnds, clients: [ClientID])] = []
            for client in audience {
                for edge in clients[client]?.watched[id] ?? [] {
                    if let index = watchers.firstIndex(where: { $0.edge == edge }) {
                        watchers[index].clients.append(client)
                    } else {
                        watchers.append((edge, [client]))
                    }
                }
            }
            for (edge, watching) in watchers {
                for exchange in sourceExchanges(edge.src, graph, view) {
                    add(exchange, .edge(WatchedEdge(graph: id, edge: edge), clients: watching))
                }
            }
            guard !audience.isEmpty else { continue }
            for name in graph.outports.keys.sorted() {
                guard let export = graph.outports[name] else { continue }
                add(view.exchange(PortRef(process: export.process, port: export.port)), .export(graph: id, public: name))
            }
            for process in graph.processes {
                guard let port = view.queues.participantsByRole[process.name]?.outports.first(where: { $0.id.lowercased() == "error" }) else {
                    continue
                }
                add(port.queue, .errorPort(graph: id, node: process.name))
            }
        }
        for exchange in taps where routes[exchange] == nil { out.perform(.stopTap(exchange: exchange)) }
        for exchange in order where !taps.contains(exchange) { out.perform(.startTap(exchange: exchange)) }
        taps = order
        tapRoutes = routes
    }

    /// The exchanges whose messages travel an edge from `src`: the participant's
    /// outport, or for a routing node, the outports feeding it.
    func sourceExchanges(_ src: PortRef, _ graph: Graph, _ view: LiveView) -> [String] {
        guard let process = graph.process(named: src.process) else { return [] }
        if process.isParticipant { return [view.exchange(src)] }
        var exchanges: [String] = []
        for connection in graph.connections where connection.target.process == src.process {
            guard let feeder = connection.src, graph.process(named: feeder.process)?.isParticipant == true else { continue }
            let exchange = view.exchange(feeder)
            if !exchanges.contains(exchange) { exchanges.append(exchange) }
        }
        return exchanges
    }
}
