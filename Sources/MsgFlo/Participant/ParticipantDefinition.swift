import Foundation

/// One port of a participant, exactly as it appears in a discovery message.
///
/// `queue` is the broker-side name: for an inport the queue consumed from, for
/// an outport the fanout exchange published to. Tools must take it from
/// discovery, since msgflo-python names queues `role/port` and others `role.PORT`.
public struct PortDefinition: Codable, Sendable, Hashable {
    public var id: String
    public var type: String
    public var queue: String
    public var description: String?
    public var schema: String?
    public var hidden: Bool?
    /// `false` declares a non-durable, auto-delete queue or exchange.
    public var persistent: Bool?

    public init(
        id: String, type: String = "any", queue: String, description: String? = nil,
        schema: String? = nil, hidden: Bool? = nil, persistent: Bool? = nil
    ) {
        self.id = id
        self.type = type
        self.queue = queue
        self.description = description
        self.schema = schema
        self.hidden = hidden
        self.persistent = persistent
    }

    public var isHidden: Bool { hidden ?? false }
    public var isPersistent: Bool { persistent ?? true }
}

/// What a participant is: the payload of its discovery message.
public struct ParticipantDefinition: Codable, Sendable, Hashable {
    public var id: String
    public var role: String
    public var component: String
    public var label: String?
    public var icon: String?
    /// Free text for humans (graph editors); omitted from discovery when nil.
    public var description: String?
    public var inports: [PortDefinition]
    public var outports: [PortDefinition]

    public init(
        id: String, role: String, component: String, label: String? = nil, icon: String? = nil,
        description: String? = nil, inports: [PortDefinition], outports: [PortDefinition]
    ) {
        self.id = id
        self.role = role
        self.component = component
        self.label = label
        self.icon = icon
        self.description = description
        self.inports = inports
        self.outports = outports
    }

    /// The msgflo-nodejs queue naming convention: `<role>.<PORT ID UPPERCASED>`.
    public static func conventionalQueue(role: String, port: String) -> String {
        "\(role).\(port.uppercased())"
    }

    /// The default participant id, `<role>-<random>`, unique per process.
    public static func defaultID(role: String) -> String {
        "\(role)-\(UUID().uuidString.lowercased().prefix(8))"
    }
}
