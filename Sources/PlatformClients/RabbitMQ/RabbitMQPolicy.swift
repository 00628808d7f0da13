import MsgFlo

/// A RabbitMQ policy: settings (`definition`) the broker applies to every
/// queue or exchange whose name matches `pattern`, without redeclaring them.
/// The runtime and `msgflo setup` cap the `fbp` queue's length with one
/// (`maxLength(name:queue:messages:overflow:)`).
public struct RabbitMQPolicy: Sendable, Hashable, Codable {
    /// What a policy applies to; an open set, as RabbitMQ adds kinds.
    public struct AppliesTo: RawRepresentable, Sendable, Hashable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let queues = AppliesTo(rawValue: "queues")
        public static let exchanges = AppliesTo(rawValue: "exchanges")
        public static let all = AppliesTo(rawValue: "all")
        public static let classicQueues = AppliesTo(rawValue: "classic_queues")
        public static let quorumQueues = AppliesTo(rawValue: "quorum_queues")
        public static let streams = AppliesTo(rawValue: "streams")
    }

    /// What a full queue does with one more message.
    public enum Overflow: String, Sendable, Hashable {
        /// Drop the oldest message (RabbitMQ's default).
        case dropHead = "drop-head"
        /// Refuse the new message (publishers with confirms get a nack).
        case rejectPublish = "reject-publish"
        /// Refuse it and dead-letter it.
        case rejectPublishDeadLetter = "reject-publish-dlx"
    }

    public var name: String
    /// A regular expression over queue or exchange names.
    public var pattern: String
    public var definition: [String: JSONValue]
    /// Of several matching policies the highest priority wins (only one applies).
    public var priority: Int
    public var applyTo: AppliesTo

    public init(
        name: String, pattern: String, definition: [String: JSONValue], priority: Int = 0,
        applyTo: AppliesTo = .queues
    ) {
        self.name = name
        self.pattern = pattern
        self.definition = definition
        self.priority = priority
        self.applyTo = applyTo
    }

    /// Caps queue `queue` (that name only) at `messages` messages.
    public static func maxLength(
        name: String, queue: String, messages: Int, overflow: Overflow = .dropHead,
        priority: Int = 0
    ) -> RabbitMQPolicy {
        RabbitMQPolicy(
            name: name, pattern: exactPattern(queue),
            definition: ["max-length": .number(Double(messages)), "overflow": .string(overflow.rawValue)],
            priority: priority, applyTo: .queues)
    }

    /// A pattern matching exactly `name`: anchored, regex characters escaped.
    public static func exactPattern(_ name: String) -> String {
        let special = Set("\\^$.|?*+()[]{}")
        return "^" + name.map { special.contains($0) ? "\\\($0)" : String($0) }.joined() + "$"
    }

    enum CodingKeys: String, CodingKey {
        case name, pattern, definition, priority
        case applyTo = "apply-to"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        pattern = try c.decode(String.self, forKey: .pattern)
        definition = try c.decodeIfPresent([String: JSONValue].self, forKey: .definition) ?? [:]
        priority = try c.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        applyTo = try c.decodeIfPresent(AppliesTo.self, forKey: .applyTo) ?? .all
    }
}

extension RabbitMQPolicy.AppliesTo {
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
