import MsgFlo

/// A flow-based program: processes (one per msgflo role) and the connections between
/// their ports, as read from a `.fbp` or fbp-graph `.json` file.
///
/// Processes are kept in declaration order because msgflo starts participants and
/// writes Procfile lines in that order; everything else is order-insensitive.
public struct Graph: Sendable, Hashable {
    /// When false (the fbp default) port names were lower-cased by the parser.
    public var caseSensitive: Bool
    /// Free-form graph properties; `# @runtime msgflo` becomes `environment.type`.
    public var properties: [String: JSONValue]
    public var processes: [GraphProcess]
    public var connections: [GraphConnection]
    /// Exported inports keyed by public name.
    public var inports: [String: GraphExport]
    /// Exported outports keyed by public name.
    public var outports: [String: GraphExport]
    public var groups: [GraphGroup]

    public init(
        caseSensitive: Bool = false, properties: [String: JSONValue] = [:],
        processes: [GraphProcess] = [], connections: [GraphConnection] = [],
        inports: [String: GraphExport] = [:], outports: [String: GraphExport] = [:],
        groups: [GraphGroup] = []
    ) {
        self.caseSensitive = caseSensitive
        self.properties = properties
        self.processes = processes
        self.connections = connections
        self.inports = inports
        self.outports = outports
        self.groups = groups
    }

    /// The process with this name (its msgflo role), if the graph declares it.
    public func process(named name: String) -> GraphProcess? {
        processes.first { $0.name == name }
    }

    /// Initial packets addressed to `role`, keyed by port, in connection order
    /// (a later IIP to the same port wins, as in msgflo).
    public func initialPackets(for role: String) -> [(port: String, data: JSONValue)] {
        var result: [(port: String, data: JSONValue)] = []
        for connection in connections {
            guard let data = connection.data, connection.target.process == role else { continue }
            if let existing = result.firstIndex(where: { $0.port == connection.target.port }) {
                result[existing].data = data
            } else {
                result.append((connection.target.port, data))
            }
        }
        return result
    }

    /// `environment.type` of the properties, e.g. `msgflo` for `# @runtime msgflo`.
    public var runtime: String? { properties["environment"]?["type"]?.stringValue }
}

/// One node of the graph. In msgflo its name is the participant role.
public struct GraphProcess: Sendable, Hashable {
    public var name: String
    public var component: String
    public var metadata: [String: JSONValue]

    public init(name: String, component: String, metadata: [String: JSONValue] = [:]) {
        self.name = name
        self.component = component
        self.metadata = metadata
    }

    /// Components that only shape bindings and are never started as processes.
    public static let routingComponents: Set<String> = ["msgflo/RoundRobin", "msgflo/PubSub"]

    /// Whether msgflo starts a participant for this node (it is not a routing node).
    public var isParticipant: Bool {
        !component.isEmpty && !Self.routingComponents.contains(component)
    }
}

/// One end of a connection: a port of a process, optionally an array-port index.
public struct PortRef: Sendable, Hashable, CustomStringConvertible {
    public var process: String
    public var port: String
    public var index: Int?

    public init(process: String, port: String, index: Int? = nil) {
        self.process = process
        self.port = port
        self.index = index
    }

    public var description: String {
        index.map { "\(process).\(port)[\($0)]" } ?? "\(process).\(port)"
    }
}

/// An edge between two ports, or an initial packet (IIP) sent to a port at start.
public struct GraphConnection: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case port(PortRef)
        /// Initial information packet: a fixed value delivered to `target`.
        case data(JSONValue)
    }

    public var source: Source
    public var target: PortRef
    public var metadata: [String: JSONValue]

    public init(source: Source, target: PortRef, metadata: [String: JSONValue] = [:]) {
        self.source = source
        self.target = target
        self.metadata = metadata
    }

    public init(from src: PortRef, to tgt: PortRef, metadata: [String: JSONValue] = [:]) {
        self.init(source: .port(src), target: tgt, metadata: metadata)
    }

    public init(data: JSONValue, to tgt: PortRef, metadata: [String: JSONValue] = [:]) {
        self.init(source: .data(data), target: tgt, metadata: metadata)
    }

    /// The source port, nil for an IIP.
    public var src: PortRef? { if case .port(let p) = source { return p } else { return nil } }
    /// The IIP value, nil for an edge.
    public var data: JSONValue? { if case .data(let d) = source { return d } else { return nil } }
    public var tgt: PortRef { target }
}

/// A port of an inner process made visible as a port of the whole graph.
public struct GraphExport: Sendable, Hashable {
    public var process: String
    public var port: String
    public var metadata: [String: JSONValue]

    public init(process: String, port: String, metadata: [String: JSONValue] = [:]) {
        self.process = process
        self.port = port
        self.metadata = metadata
    }
}

/// A named set of processes, kept so that editors' groupings survive a load/save.
public struct GraphGroup: Sendable, Hashable {
    public var name: String
    public var nodes: [String]
    public var metadata: [String: JSONValue]

    public init(name: String, nodes: [String], metadata: [String: JSONValue] = [:]) {
        self.name = name
        self.nodes = nodes
        self.metadata = metadata
    }
}
