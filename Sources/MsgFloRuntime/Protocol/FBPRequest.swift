import MsgFlo
import MsgFloGraph

/// A client request, decoded and checked: what the runtime state machine acts on.
///
/// Decoding is separate from acting so that every shape error is caught in one
/// place and answered the same way, and so the coordinator only sees values
/// it can trust (non-empty ids, ports with node and port, metadata objects).
public enum FBPRequest: Sendable, Hashable {
    case runtime(RuntimeRequest)
    case component(ComponentRequest)
    case graph(GraphRequest)
    case network(NetworkRequest)

    public var `protocol`: FBPProtocol {
        switch self {
        case .runtime: .runtime
        case .component: .component
        case .graph: .graph
        case .network: .network
        }
    }
}

/// `runtime:*` requests.
public enum RuntimeRequest: Sendable, Hashable {
    case getRuntime
    /// A packet for an exported inport of `graph`.
    case packet(RuntimePacket)
}

/// `runtime:packet` (in both directions) and `runtime:packetsent`.
public struct RuntimePacket: Sendable, Hashable {
    /// The packet events of the protocol; msgflo carries only `data` (queues have no brackets).
    public enum Event: String, Sendable, Hashable, CaseIterable {
        case connect, begingroup, data, endgroup, disconnect
    }

    public var graph: String
    public var port: String
    public var event: Event
    public var payload: JSONValue?

    public init(graph: String, port: String, event: Event, payload: JSONValue?) {
        self.graph = graph
        self.port = port
        self.event = event
        self.payload = payload
    }
}

/// `component:*` requests (read-only: list and getsource).
public enum ComponentRequest: Sendable, Hashable {
    case list
    case getSource(name: String)
}

/// `network:*` requests.
public enum NetworkRequest: Sendable, Hashable {
    case start(graph: String)
    case stop(graph: String)
    case getStatus(graph: String)
    /// Replaces the client's selection of watched edges in `graph`.
    case edges(graph: String, edges: [EdgeEnds])
    case debug(graph: String, enable: Bool)

    public var graph: String {
        switch self {
        case .start(let g), .stop(let g), .getStatus(let g), .edges(let g, _), .debug(let g, _): g
        }
    }
}

/// The two ends of an edge, as the protocol names them (`src`, `tgt`).
public struct EdgeEnds: Sendable, Hashable {
    public var src: PortRef
    public var tgt: PortRef

    public init(src: PortRef, tgt: PortRef) {
        self.src = src
        self.tgt = tgt
    }
}
