import Foundation

/// How long to wait before the next connection attempt: exponential, capped,
/// and jittered so a fleet of workers does not reconnect in lockstep after a
/// broker restart.
public struct Backoff: Sendable, Hashable {
    /// Delay before the first retry.
    public var initial: Duration
    /// Upper bound of any delay.
    public var maximum: Duration
    /// Fraction of the delay that is randomised (0 = none, 0.2 = plus or minus 20 %).
    public var jitter: Double

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(5), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay after `attempt` failed attempts in a row (0-based); `unit` is a
    /// random number in 0...1 (passed in so the function stays pure).
    public func delay(afterFailures attempt: Int, unit: Double) -> Duration {
        let base = initial.seconds * pow(2, Double(min(attempt, 30)))
        let capped = min(base, maximum.seconds)
        let factor = 1 + jitter * (2 * min(max(unit, 0), 1) - 1)
        return .milliseconds(Int64((min(capped * factor, maximum.seconds) * 1000).rounded()))
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
