import Foundation
import MsgFlo
import MsgFloGraph

/// Builds the runtime's messages from typed values, with exactly the payload
/// keys the fbp-protocol 0.9 schemas allow (most payloads forbid extra keys),
/// so that what the runtime sends always validates.
public enum FBPReply {
    /// `<protocol>:error {message}`; network:error also names the graph.
    public static func error(on proto: FBPProtocol, message: String, graph: String? = nil, responseTo: String? = nil) -> FBPMessage {
        var payload: [String: JSONValue] = ["message": .string(message)]
        if proto == .network, let graph { payload["graph"] = .string(graph) }
        return FBPMessage(proto, FBPProtocol.errorCommand, .object(payload), responseTo: responseTo)
    }

    /// A protocol port `{node, port, index?}`.
    public static func port(_ ref: PortRef) -> JSONValue {
        var object: [String: JSONValue] = ["node": .string(ref.process), "port": .string(ref.port)]
        if let index = ref.index { object["index"] = .number(Double(index)) }
        return .object(object)
    }

    /// RFC 3339 time for `started` / `stopped`.
    public static func timestamp(_ date: Date) -> JSONValue {
        .string(date.formatted(.iso8601))
    }

    /// `network:output`: a line of text for the user; the runtime's channel for
    /// notices that have no message of their own (sampling, unlisted participants).
    public static func output(_ message: String) -> FBPMessage {
        FBPMessage(.network, "output", ["message": .string(message), "type": "message"])
    }

    /// `network:data` for one message seen on a watched edge.
    public static func data(_ edge: EdgeEnds, graph: String, data: JSONValue) -> FBPMessage {
        FBPMessage(
            .network, "data",
            .object([
                "id": .string(EdgeID.text(edge)), "src": port(edge.src), "tgt": port(edge.tgt),
                "graph": .string(graph), "data": data,
            ]))
    }

    /// `network:edges`: the selection now in effect. Its schema is the request's,
    /// which allows no `responseTo`, so none is set.
    public static func edges(_ edges: [EdgeEnds], graph: String) -> FBPMessage {
        FBPMessage(
            .network, "edges",
            .object([
                "graph": .string(graph),
                "edges": .array(edges.map { .object(["src": port($0.src), "tgt": port($0.tgt)]) }),
            ]))
    }

    /// `network:processerror`, for clients in debug mode: an error inside one node.
    public static func processError(node: String, error: String, graph: String) -> FBPMessage {
        FBPMessage(.network, "processerror", ["id": .string(node), "error": .string(error), "graph": .string(graph)])
    }

    /// `runtime:packet` out of an exported outport. Its schema is the request's: no `responseTo`.
    public static func packet(_ packet: RuntimePacket) -> FBPMessage {
        FBPMessage(.runtime, "packet", packetPayload(packet))
    }

    public static func packetSent(_ packet: RuntimePacket, responseTo: String?) -> FBPMessage {
        FBPMessage(.runtime, "packetsent", packetPayload(packet), responseTo: responseTo)
    }

    private static func packetPayload(_ packet: RuntimePacket) -> JSONValue {
        var object: [String: JSONValue] = [
            "port": .string(packet.port), "event": .string(packet.event.rawValue),
            "graph": .string(packet.graph),
        ]
        if let payload = packet.payload { object["payload"] = payload }
        return .object(object)
    }

    /// Whether a message's schema allows `responseTo` (two outputs reuse input schemas that do not).
    public static func allowsResponseTo(_ message: FBPMessage) -> Bool {
        !((message.protocol == "network" && message.command == "edges")
            || (message.protocol == "runtime" && message.command == "packet"))
    }
}
