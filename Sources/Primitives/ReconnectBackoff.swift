/// When a reconnecting client (a broker or database connection) tries again.
/// Failed attempts in a row grow the `Backoff`; a connection that lasted less
/// than `stableAfter` counts as one more failure, so a server that accepts
/// and drops at once (a full broker, a client id taken over, a refused vhost
/// after login) is retried with backoff instead of in a tight loop. Only a
/// connection that stayed up that long resets the count and reconnects at once.
public struct ReconnectBackoff: Sendable, Hashable {
    public var backoff: Backoff
    public var stableAfter: Duration
    /// Failed attempts (and short-lived connections) in a row.
    public private(set) var failures = 0

    public init(backoff: Backoff = Backoff(), stableAfter: Duration = .seconds(10)) {
        self.backoff = backoff
        self.stableAfter = stableAfter
    }

    /// A connection attempt failed: how long to wait before the next one.
    public mutating func attemptFailed(unit: Double = Double.random(in: 0...1)) -> Duration {
        defer { failures += 1 }
        return backoff.delay(afterFailures: failures, unit: unit)
    }

    /// An established connection was lost after `lifetime`: how long to wait
    /// before reconnecting (zero after a stable connection).
    public mutating func connectionLost(after lifetime: Duration, unit: Double = Double.random(in: 0...1)) -> Duration {
        guard lifetime < stableAfter else {
            failures = 0
            return .zero
        }
        return attemptFailed(unit: unit)
    }
}
