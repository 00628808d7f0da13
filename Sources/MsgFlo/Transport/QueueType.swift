/// The kind of RabbitMQ queue an inport is declared as.
///
/// Classic is what msgflo-nodejs and the other participant libraries declare
/// (no `x-queue-type` argument), so it stays the default. Quorum queues are
/// replicated over a cluster's nodes and survive the loss of a minority of
/// them: what RabbitMQ recommends for durable work queues (classic mirrored
/// queues are gone in RabbitMQ 4). A queue's type is fixed when it is made:
/// declaring it again as the other type is refused (406), so every declarer
/// of one queue must agree (see `QueueTypeClash`).
public enum QueueType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case classic, quorum

    /// The environment variable that sets the type for a whole deployment.
    public static let environmentVariable = "MSGFLO_QUEUE_TYPE"

    /// Parses `classic` or `quorum` (any case, surrounding spaces ignored).
    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The value of `x-queue-type` to declare with; nil for classic, which is
    /// declared without the argument as msgflo-nodejs does, so our declaration
    /// and theirs are the same.
    public var declarationArgument: String? { self == .quorum ? rawValue : nil }

    public var description: String { rawValue }
}

/// What RabbitMQ's 406 for a queue declared as another type than it has says,
/// read from the reply text so that the error can say what to do and a
/// participant can follow the type the queue already has.
///
/// RabbitMQ 3.x answers `inequivalent arg 'x-queue-type' for queue 'q' in vhost
/// '/': received none but current is the value 'quorum' of type 'longstr'`
/// (or `received 'classic' but current is 'quorum'`, or `received the value
/// 'quorum' of type 'longstr' but current is none`).
public struct QueueTypeClash: Sendable, Hashable {
    /// The type the queue has on the broker.
    public var existing: QueueType
    /// The type it was declared as this time.
    public var requested: QueueType

    public init(existing: QueueType, requested: QueueType) {
        self.existing = existing
        self.requested = requested
    }

    /// The clash a 406 reply text describes; nil for any other 406.
    public init?(replyText text: String) {
        guard text.contains("inequivalent arg 'x-queue-type'"),
            let received = text.range(of: "received "),
            let but = text.range(of: " but current is ", range: received.upperBound..<text.endIndex)
        else { return nil }
        guard let requested = Self.type(in: text[received.upperBound..<but.lowerBound]),
            let existing = Self.type(in: text[but.upperBound...])
        else { return nil }
        self.init(existing: existing, requested: requested)
    }

    /// `none` (no argument: classic) or the first quoted type name.
    private static func type(in fragment: Substring) -> QueueType? {
        if fragment.hasPrefix("none") { return .classic }
        guard let open = fragment.firstIndex(of: "'") else { return nil }
        let rest = fragment[fragment.index(after: open)...]
        guard let close = rest.firstIndex(of: "'") else { return nil }
        return QueueType(parsing: String(rest[..<close]))
    }

    /// What to do, for `msgflo setup` and participants' logs.
    public func advice(queue: String) -> String {
        "queue '\(queue)' exists on the broker as a \(existing) queue but is declared as \(requested); "
            + "a queue's type cannot change: declare it as \(existing) (set \(QueueType.environmentVariable)=\(existing), "
            + "or queueType=\(existing) in the graph), or move to \(requested) by draining the queue and deleting it "
            + "(rabbitmqctl delete_queue \(queue)) before running msgflo setup again"
    }
}
