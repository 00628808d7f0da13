import Foundation

/// Runtime knobs of a participant, with msgflo's defaults.
public struct ParticipantConfiguration: Sendable, Hashable {
    /// Messages handled at once per inport (= AMQP prefetch); nil takes the
    /// transport's (`TransportOptions.prefetch`: `MSGFLO_PREFETCH`, else msgflo's 2).
    public var prefetch: Int?
    /// Discovery is re-sent every `discoveryPeriod / 2.2` seconds, as msgflo does.
    public var discoveryPeriod: TimeInterval
    /// How long `stop()` waits for in-flight handlers before disconnecting
    /// (their messages are then redelivered). Below 30 s so SIGTERM drains in time.
    public var drainGrace: TimeInterval
    /// How often and how long a message that fails transiently is requeued.
    public var retryBudget: RetryBudget
    /// How many deliveries of one message may end without a settlement (the
    /// process handling it crashed, was OOM-killed, lost its connection)
    /// before it goes to `error` with code `worker_crashed` instead of being
    /// handled again; counted across every instance of the role
    /// (`PublishOptions.deliveries`), on transports that carry the count
    /// (`OptionsPublishing`). nil: no limit.
    public var deliveryLimit: Int?

    public init(
        prefetch: Int? = nil, discoveryPeriod: TimeInterval = 60, drainGrace: TimeInterval = 20,
        retryBudget: RetryBudget = RetryBudget(), deliveryLimit: Int? = 5
    ) {
        self.prefetch = prefetch
        self.discoveryPeriod = discoveryPeriod
        self.drainGrace = drainGrace
        self.retryBudget = retryBudget
        self.deliveryLimit = deliveryLimit.map { max(0, $0) }
    }

    /// The interval between two discovery messages.
    public var discoveryInterval: TimeInterval { discoveryPeriod / 2.2 }

    /// Defaults overridden by `MSGFLO_DISCOVERY_PERIOD`, `MSGFLO_DRAIN_GRACE`,
    /// `MSGFLO_RETRY_LIMIT` (requeues), `MSGFLO_RETRY_WINDOW` (seconds) and
    /// `MSGFLO_DELIVERY_LIMIT` (unsettled deliveries; `off` for none).
    /// Invalid values throw rather than being ignored, so a typo does not
    /// silently run with the default. (`MSGFLO_PREFETCH` is a transport
    /// option: `TransportOptions(environment:)`.)
    public init(environment: [String: String]) throws(ParticipantError) {
        self.init()
        if let raw = environment["MSGFLO_DISCOVERY_PERIOD"] {
            discoveryPeriod = try Self.seconds(raw, name: "MSGFLO_DISCOVERY_PERIOD", allowZero: false)
        }
        if let raw = environment["MSGFLO_DRAIN_GRACE"] {
            drainGrace = try Self.seconds(raw, name: "MSGFLO_DRAIN_GRACE", allowZero: true)
        }
        if let raw = environment["MSGFLO_RETRY_LIMIT"] {
            guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_RETRY_LIMIT", value: raw, expected: "a whole number ≥ 0")
            }
            retryBudget.maxRetries = value
        }
        if let raw = environment["MSGFLO_DELIVERY_LIMIT"] {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text == "off" {
                deliveryLimit = nil
            } else if let value = Int(text), value >= 0 {
                deliveryLimit = value
            } else {
                throw ParticipantError.invalidEnvironment(name: "MSGFLO_DELIVERY_LIMIT", value: raw, expected: "a whole number ≥ 0, or off")
            }
        }
        if let raw = environment["MSGFLO_RETRY_WINDOW"] {
            let seconds = try Self.seconds(raw, name: "MSGFLO_RETRY_WINDOW", allowZero: false)
            retryBudget.window = .milliseconds(Int64((min(seconds, 1e9) * 1000).rounded()))
        }
    }

    private static func seconds(_ raw: String, name: String, allowZero: Bool) throws(ParticipantError) -> TimeInterval {
        guard let value = TimeInterval(raw.trimmingCharacters(in: .whitespaces)), value.isFinite,
            allowZero ? value >= 0 : value > 0
        else {
            throw ParticipantError.invalidEnvironment(name: name, value: raw, expected: allowZero ? "seconds ≥ 0" : "seconds > 0")
        }
        return value
    }
}
