import MsgFlo
import MsgFloGraph

/// What the runtime knows about a node's ports, to refuse edges to ports that
/// do not exist. Ports are known only from discovery (the component library
/// has commands, not ports), so a node nothing announced accepts any port.
public struct PortCatalog: Sendable {
    /// Definitions of live participants, by role.
    public var byRole: [String: ParticipantDefinition]
    /// The latest definition seen for each component, for nodes whose role is not live.
    public var byComponent: [String: ParticipantDefinition]

    public init(byRole: [String: ParticipantDefinition] = [:], byComponent: [String: ParticipantDefinition] = [:]) {
        self.byRole = byRole
        self.byComponent = byComponent
    }

    /// Port ids of `direction` for the node, nil when nothing is known about them.
    public func ports(of process: GraphProcess, _ direction: PortDirection) -> [String]? {
        guard let definition = byRole[process.name] ?? byComponent[process.component] else { return nil }
        let ports = direction == .inport ? definition.inports : definition.outports
        return ports.map(\.id)
    }
}
