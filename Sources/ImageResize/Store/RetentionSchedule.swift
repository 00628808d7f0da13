import Primitives

/// When the retention sweeper runs next, from what its last sweep did: a
/// pure function, table-tested.
///
/// - A full batch deleted: more are waiting; the next batch follows after a
///   short pause, so the database serves requests in between.
/// - Fewer than a batch: caught up; the next sweep is an interval later.
/// - The sweep failed (database down, disk full, permission refused): the
///   wait grows with every failure in a row, from seconds up to the
///   interval, so a refusal that lasts is asked about rarely, never in a
///   tight loop.
public struct RetentionSchedule: Sendable, Equatable {
    /// Jobs deleted per batch.
    public var batchSize: Int
    /// Between two full batches.
    public var batchPause: Duration
    /// Between sweeps once caught up.
    public var interval: Duration
    /// After failures; its maximum is raised to `interval` if lower.
    public var backoff: Backoff

    public init(
        batchSize: Int = 100, batchPause: Duration = .milliseconds(500), interval: Duration = .seconds(600),
        backoff: Backoff = Backoff(initial: .seconds(5), maximum: .seconds(600), jitter: 0.2)
    ) {
        self.batchSize = max(1, batchSize)
        self.batchPause = batchPause
        self.interval = interval
        self.backoff = backoff
    }

    /// What one sweep did.
    public enum Outcome: Sendable, Equatable {
        case deleted(jobs: Int)
        case failed
    }

    /// The wait before the next sweep and the failures in a row so far;
    /// `unit` (0...1) spreads the waits of several store workers apart.
    public func next(after outcome: Outcome, failuresBefore failures: Int, unit: Double) -> (delay: Duration, failures: Int) {
        switch outcome {
        case .deleted(let jobs) where jobs >= batchSize:
            return (batchPause, 0)
        case .deleted:
            return (interval * (0.9 + 0.2 * min(max(unit, 0), 1)), 0)
        case .failed:
            var backoff = backoff
            backoff.maximum = max(backoff.maximum, backoff.initial)
            return (backoff.delay(afterFailures: failures, unit: unit), failures + 1)
        }
    }
}
