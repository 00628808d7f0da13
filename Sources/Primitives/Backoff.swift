import Foundation

/// How long to wait before the next attempt: exponential, capped, and
/// jittered so a fleet of workers does not reconnect in lockstep after a
/// broker or database restart. The one backoff of the codebase: broker
/// connections, PostgreSQL reconnects and start-up, and guv's restarts of
/// crashed processes all use it.
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

    /// The delay after `attempt` failed attempts in a row (0-based):
    /// `initial * 2^attempt`, capped at `maximum`, then jittered (and capped
    /// again). `unit` is a random number in 0...1, passed in so the function
    /// stays pure; 0.5 means no jitter. Whole milliseconds.
    public func delay(afterFailures attempt: Int, unit: Double) -> Duration {
        let base = initial.seconds * pow(2, Double(min(max(attempt, 0), 30)))
        let capped = min(base, maximum.seconds)
        let factor = 1 + jitter * (2 * min(max(unit, 0), 1) - 1)
        return .milliseconds(Int64((min(capped * factor, maximum.seconds) * 1000).rounded()))
    }

    /// `delay(afterFailures:unit:)` with a fresh random jitter.
    public func delay(afterFailures attempt: Int) -> Duration {
        delay(afterFailures: attempt, unit: Double.random(in: 0...1))
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
