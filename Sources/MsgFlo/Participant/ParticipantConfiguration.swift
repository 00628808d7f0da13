import Foundation

/// Runtime knobs of a participant, with msgflo's defaults.
public struct ParticipantConfiguration: Sendable, Hashable {
    /// Messages handled at once per inport (= AMQP prefetch). msgflo's default is 2.
    public var prefetch: Int
    /// Discovery is re-sent every `discoveryPeriod / 2.2` seconds, as msgflo does.
    public var discoveryPeriod: TimeInterval
    /// How long `stop()` waits for in-flight handlers before disconnecting
    /// (their messages are then redelivered). Below 30 s so SIGTERM drains in time.
    public var drainGrace: TimeInterval

    public init(prefetch: Int = 2, discoveryPeriod: TimeInterval = 60, drainGrace: TimeInterval = 20) {
        self.prefetch = prefetch
        self.discoveryPeriod = discoveryPeriod
        self.drainGrace = drainGrace
    }

    /// The interval between two discovery messages.
    public var discoveryInterval: TimeInterval { discoveryPeriod / 2.2 }

    /// Defaults overridden by `MSGFLO_PREFETCH`, `MSGFLO_DISCOVERY_PERIOD` and
    /// `MSGFLO_DRAIN_GRACE` (seconds). Invalid values throw rather than being
    /// ignored, so a typo does not silently run with the default.
    public init(environment: [String: String]) throws {
        self.init()
        if let raw = environment["MSGFLO_PREFETCH"] {
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_PREFETCH", value: raw, expected: "a whole number ≥ 1")
            }
            prefetch = value
        }
        if let raw = environment["MSGFLO_DISCOVERY_PERIOD"] {
            guard let value = TimeInterval(raw.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_DISCOVERY_PERIOD", value: raw, expected: "seconds > 0")
            }
            discoveryPeriod = value
        }
        if let raw = environment["MSGFLO_DRAIN_GRACE"] {
            guard let value = TimeInterval(raw.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_DRAIN_GRACE", value: raw, expected: "seconds ≥ 0")
            }
            drainGrace = value
        }
    }
}
