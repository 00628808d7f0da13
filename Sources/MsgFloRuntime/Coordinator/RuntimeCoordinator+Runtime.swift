import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    mutating func handleRuntime(_ request: RuntimeRequest, _ context: RequestContext, _ out: inout Outbox) {
        switch request {
        case .getRuntime:
            var payload: [String: JSONValue] = [
                "type": .string(RuntimeConfiguration.runtimeType),
                "version": .string(RuntimeConfiguration.protocolVersion),
                "capabilities": .array(RuntimeConfiguration.capabilities.map(JSONValue.string)),
                "allCapabilities": .array(RuntimeConfiguration.capabilities.map(JSONValue.string)),
                "id": .string(configuration.id),
                "graph": .string(mainGraph),
            ]
            if let label = configuration.label { payload["label"] = .string(label) }
            reply(FBPMessage(.runtime, "runtime", .object(payload)), context, &out)
            if slots[mainGraph] != nil { reply(ports(of: mainGraph), context, &out) }
        case .packet(let packet):
            sendPacket(packet, context, &out)
        }
    }

    /// `runtime:ports`: the graph's exported ports, typed as their participants announced them.
    func ports(of graphID: String) -> FBPMessage {
        let graph = slots[graphID]?.graph.graph ?? Graph()
        func list(_ exports: [String: GraphExport], _ direction: PortDirection) -> JSONValue {
            .array(
                exports.keys.sorted().map { name in
                    var port: [String: JSONValue] = ["id": .string(name), "type": "any"]
                    if let export = exports[name], let definition = portDefinition(export, direction) {
                        port["type"] = .string(definition.type)
                        if let description = definition.description { port["description"] = .string(description) }
                    }
                    return .object(port)
                })
        }
        return FBPMessage(
            .runtime, "ports",
            .object([
                "graph": .string(graphID), "inPorts": list(graph.inports, .inport), "outPorts": list(graph.outports, .outport),
            ]))
    }

    /// The announced port behind an export, when its role is live.
    func portDefinition(_ export: GraphExport, _ direction: PortDirection) -> PortDefinition? {
        guard let definition = liveView.queues.participantsByRole[export.process] else { return nil }
        let ports = direction == .inport ? definition.inports : definition.outports
        return ports.first { $0.id.lowercased() == export.port.lowercased() }
    }

    /// `runtime:packet` into an exported inport: published to the inner port's
    /// queue. Queues carry data only, so other events are confirmed and dropped.
    mutating func sendPacket(_ packet: RuntimePacket, _ context: RequestContext, _ out: inout Outbox) {
        guard let graph = slots[packet.graph]?.graph.graph else {
            return fail(.runtime, GraphEditError.unknownGraph(packet.graph, known: graphOrder).description, context, &out)
        }
        guard let export = graph.inports[packet.port] else {
            let known = graph.inports.keys.sorted().joined(separator: ", ")
            return fail(
                .runtime,
                "graph '\(packet.graph)' exports no inport '\(packet.port)' (exported inports: \(known.isEmpty ? "none" : known)); add one with graph:addinport",
                context, &out)
        }
        if packet.event == .data {
            guard let data = packet.payload else {
                return fail(.runtime, "runtime:packet: payload.payload is missing; a data packet carries its value there", context, &out)
            }
            out.perform(publishAction(to: PortRef(process: export.process, port: export.port), data: data))
        }
        reply(FBPReply.packetSent(packet, responseTo: nil), context, &out)
    }

    /// Publishing to an inport: its announced queue, else the conventional one,
    /// declared first so the message waits for the participant.
    func publishAction(to target: PortRef, data: JSONValue) -> RuntimeAction {
        let view = liveView
        let queue = view.queue(target)
        let live = view.queues.participantsByRole[target.process]?.inports.contains { $0.queue == queue } ?? false
        return .publish(queue: queue, data: data, declare: live ? [] : TopologyPlan.inport(queue))
    }
}
