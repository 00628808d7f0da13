import MsgFlo

/// Which side of a participant a port is on: inports are queues, outports exchanges.
public enum PortDirection: String, Sendable, Hashable {
    case inport, outport
}

/// Turns a graph port into the broker name of its queue (inport) or exchange (outport).
///
/// Binding plans take this as a parameter because the name must come from
/// discovery when the participant announced itself (msgflo-python names queues
/// `role/port`), and from the msgflo-nodejs convention only when it did not.
public protocol QueueResolving: Sendable {
    func queue(role: String, port: String, direction: PortDirection) throws(BindingPlanError) -> String
}

/// The msgflo-nodejs convention `<role>.<PORT>` for every port.
public struct ConventionalQueues: QueueResolving {
    public init() {}

    public func queue(role: String, port: String, direction: PortDirection) -> String {
        ParticipantDefinition.conventionalQueue(role: role, port: port)
    }
}

/// Queue names announced in discovery messages; roles nobody announced fall back
/// to `fallback`. A port missing from an announced role is an error rather than a
/// guess, since a guessed queue would silently receive nothing.
public struct DiscoveredQueues: QueueResolving {
    public var participantsByRole: [String: ParticipantDefinition]
    public var fallback: any QueueResolving

    /// Later definitions of the same role win (they are the most recent announcement).
    public init(_ participants: [ParticipantDefinition], fallback: any QueueResolving = ConventionalQueues()) {
        var byRole: [String: ParticipantDefinition] = [:]
        for participant in participants { byRole[participant.role] = participant }
        self.participantsByRole = byRole
        self.fallback = fallback
    }

    public func queue(role: String, port: String, direction: PortDirection) throws(BindingPlanError) -> String {
        guard let participant = participantsByRole[role] else {
            return try fallback.queue(role: role, port: port, direction: direction)
        }
        let ports = direction == .inport ? participant.inports : participant.outports
        if let exact = ports.first(where: { $0.id == port }) { return exact.queue }
        if let folded = ports.first(where: { $0.id.lowercased() == port.lowercased() }) { return folded.queue }
        throw .unknownPort(role: role, port: port, direction: direction, known: ports.map(\.id))
    }
}

/// Any function as a resolver, for callers that keep queue names elsewhere.
public struct QueueResolver: QueueResolving {
    private let resolve: @Sendable (String, String, PortDirection) -> String

    public init(_ resolve: @escaping @Sendable (_ role: String, _ port: String, _ direction: PortDirection) -> String) {
        self.resolve = resolve
    }

    public func queue(role: String, port: String, direction: PortDirection) -> String {
        resolve(role, port, direction)
    }
}
