import Primitives

/// Failures in a row of one worker's database writes, and how long the next
/// retry waits: shared by every message the worker holds, so one outage
/// backs off as one, not per message.
public final class FailureStreak: Sendable {
    private let count = LockedState(0)
    public let backoff: Backoff

    public init(backoff: Backoff = Backoff(initial: .seconds(2), maximum: .seconds(60), jitter: 0.2)) {
        self.backoff = backoff
    }

    /// Counts a failure; the wait before retrying its message.
    public func failed() -> Duration {
        let before = count.withLock { count in
            defer { count += 1 }
            return count
        }
        return backoff.delay(afterFailures: before, unit: Double.random(in: 0...1))
    }

    public func succeeded() {
        count.withLock { $0 = 0 }
    }

    public var failures: Int { count.withLock { $0 } }
}
