/// `RestartBackoff`'s rule for a reconnecting client (a broker connection),
/// kept as state: failed attempts in a row grow the delay, and a connection
/// that lasted less than `stableAfter` counts as one more failure, so a server
/// that accepts and drops at once (a full broker, a client id taken over, a
/// refused vhost after login) is retried with backoff instead of in a tight
/// loop. Unlike a crashed process, a connection lost after a stable run is
/// retried at once. Jittered (the `Backoff` given), since a fleet of clients
/// reconnects to one shared broker.
public struct ReconnectBackoff: Sendable, Hashable {
    public var rule: RestartBackoff
    /// Failed attempts (and short-lived connections) in a row.
    public private(set) var failures = 0

    public init(backoff: Backoff = Backoff(), stableAfter: Duration = .seconds(10)) {
        rule = RestartBackoff(backoff: backoff, stableAfter: stableAfter.seconds)
    }

    /// A connection attempt failed: how long to wait before the next one.
    public mutating func attemptFailed(unit: Double = Double.random(in: 0...1)) -> Duration {
        failures += 1
        return rule.delay(crashes: failures, unit: unit)
    }

    /// An established connection was lost after `lifetime`: how long to wait
    /// before reconnecting (zero after a stable connection).
    public mutating func connectionLost(after lifetime: Duration, unit: Double = Double.random(in: 0...1)) -> Duration {
        guard lifetime.seconds < rule.stableAfter else {
            failures = 0
            return .zero
        }
        failures = rule.crashes(previous: failures, uptime: lifetime.seconds)
        return rule.delay(crashes: failures, unit: unit)
    }
}
