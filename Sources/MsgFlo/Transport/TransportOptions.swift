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

    public init(publishTimeout: Duration? = nil, prefetch: Int = TransportOptions.defaultPrefetch) {
        self.publishTimeout = publishTimeout
        self.prefetch = max(1, prefetch)
    }

    /// The defaults with `MSGFLO_PREFETCH` applied; an invalid value throws
    /// rather than silently running with the default.
    public init(environment: [String: String], publishTimeout: Duration? = nil) throws(ParticipantError) {
        self.init(publishTimeout: publishTimeout)
        if let raw = environment["MSGFLO_PREFETCH"] {
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_PREFETCH", value: raw, expected: "a whole number ≥ 1")
            }
            prefetch = value
        }
    }
}
