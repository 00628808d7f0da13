import Foundation

/// When to restart a crashed process (guv's local formation, `msgflo setup
/// --participants`): the codebase's one `Backoff`, counted
/// in consecutive crashes, with one rule on top: a process that stayed up for
/// `stableAfter` seconds starts the count again. So a crash loop does not spin
/// the CPU, while a process that crashes once a day restarts at once.
public struct RestartBackoff: Hashable, Sendable {
    /// Delays by consecutive crash. No jitter: restarts of local processes
    /// do not stampede a shared server, and a fixed delay reads better in logs.
    public var backoff: Backoff
    /// Seconds of uptime after which the crash count starts again from zero.
    public var stableAfter: Double

    public init(initial: Double = 0.5, maximum: Double = 30, stableAfter: Double = 10) {
        self.init(backoff: Backoff(initial: .seconds(initial), maximum: .seconds(maximum), jitter: 0), stableAfter: stableAfter)
    }

    public init(backoff: Backoff, stableAfter: Double) {
        self.backoff = backoff
        self.stableAfter = stableAfter
    }

    /// Crash count after a process that ran `uptime` seconds exited.
    public func crashes(previous: Int, uptime: Double) -> Int {
        uptime >= stableAfter ? 1 : previous + 1
    }

    /// Seconds before restarting after the n-th consecutive crash (n >= 1).
    public func delay(crashes: Int) -> Double {
        delay(crashes: crashes, unit: 0.5).seconds
    }

    /// The delay after the n-th consecutive failure, with the backoff's
    /// jitter drawn from `unit` (0...1; 0.5 is none).
    public func delay(crashes: Int, unit: Double) -> Duration {
        guard crashes > 0 else { return .zero }
        return backoff.delay(afterFailures: crashes - 1, unit: unit)
    }
}
