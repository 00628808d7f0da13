/// When to restart a crashed process: exponential backoff that resets once a process
/// has stayed up for a while, so a crash loop does not spin the CPU while a
/// process that crashes once a day restarts at once.
public struct RestartBackoff: Equatable, Sendable {
    public var initial: Double = 0.5
    public var maximum: Double = 30
    /// Seconds of uptime after which the crash count starts again from zero.
    public var stableAfter: Double = 10

    public init(initial: Double = 0.5, maximum: Double = 30, stableAfter: Double = 10) {
        self.initial = initial
        self.maximum = maximum
        self.stableAfter = stableAfter
    }

    /// Crash count after a process that ran `uptime` seconds exited.
    public func crashes(previous: Int, uptime: Double) -> Int {
        uptime >= stableAfter ? 1 : previous + 1
    }

    /// Delay before restarting after the n-th consecutive crash (n >= 1).
    public func delay(crashes: Int) -> Double {
        guard crashes > 0 else { return 0 }
        var d = initial
        for _ in 1..<min(crashes, 64) { d *= 2; if d >= maximum { return maximum } }
        return min(d, maximum)
    }
}
