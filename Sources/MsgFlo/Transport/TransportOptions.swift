import Foundation

/// Settings every transport understands, so callers tune a transport without
/// knowing which one the broker URL picks. Passed to `Transports.make`.
public struct TransportOptions: Sendable, Hashable {
    /// msgflo's default prefetch: two unsettled messages per consumer.
    public static let defaultPrefetch = 2

    /// How long a publish may wait for the broker's confirmation, across
    /// reconnects, before it fails with `TransportError(.publishTimeout)`
    /// (nil: the transport's default; AMQP 60 s, MQTT none).
    public var publishTimeout: Duration?
    /// Unsettled messages per consumer, the default of a participant that does
    /// not set its own (`ParticipantConfiguration.prefetch`). AMQP asks the
    /// broker for it (`basic.qos`); MQTT runs at most this many handlers at once.
    public var prefetch: Int
    /// A name this process keeps across restarts (role and instance, see
    /// `sessionName(role:environment:)`), for brokers that keep a session
    /// for a returning client: MQTT connects with it as the client id and
    /// clean session 0, so the QoS 1 messages that arrive while the process is
    /// away (killed, redeployed) wait for it. Nil: a fresh session per
    /// connection. Two running processes must never share one (the broker
    /// would disconnect each when the other connects). AMQP ignores it (its
    /// queues outlive the consumer anyway).
    public var sessionName: String?
    /// The type of the inport queues this process declares (`MSGFLO_QUEUE_TYPE`);
    /// nil: classic, as msgflo-nodejs declares them. AMQP only.
    public var queueType: QueueType?

    public init(
        publishTimeout: Duration? = nil, prefetch: Int = TransportOptions.defaultPrefetch, sessionName: String? = nil,
        queueType: QueueType? = nil
    ) {
        self.publishTimeout = publishTimeout
        self.prefetch = max(1, prefetch)
        self.sessionName = sessionName
        self.queueType = queueType
    }

    /// `<role>-<instance>` when `MSGFLO_INSTANCE` names this instance; nil
    /// otherwise. Opt-in, not taken from Heroku's `DYNO` by itself: with
    /// shared subscriptions a broker keeps assigning part of a role's
    /// messages to a session whose process is down, so an instance that is
    /// scaled away for good would hold them until its session expires. Name
    /// only instances that come back (`MSGFLO_INSTANCE=$DYNO` in a Procfile
    /// line of a fixed-size process type).
    public static func sessionName(role: String, environment: [String: String]) -> String? {
        guard let instance = environment["MSGFLO_INSTANCE"]?.trimmingCharacters(in: .whitespaces), !instance.isEmpty, !role.isEmpty
        else { return nil }
        return "\(role)-\(instance)"
    }

    /// The defaults with `MSGFLO_PREFETCH` and `MSGFLO_QUEUE_TYPE` applied; an invalid value throws
    /// rather than silently running with the default.
    public init(environment: [String: String], publishTimeout: Duration? = nil) throws(ParticipantError) {
        self.init(publishTimeout: publishTimeout)
        if let raw = environment["MSGFLO_PREFETCH"] {
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_PREFETCH", value: raw, expected: "a whole number ≥ 1")
            }
            prefetch = value
        }
        if let raw = environment[QueueType.environmentVariable], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let type = QueueType(parsing: raw) else {
                throw ParticipantError.invalidEnvironment(name: QueueType.environmentVariable, value: raw, expected: "classic or quorum")
            }
            queueType = type
        }
    }
}
