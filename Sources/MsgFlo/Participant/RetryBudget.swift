import Primitives

/// How long a message whose handling keeps failing transiently is retried
/// before it is given up on, so an outage is waited out but no message comes
/// back forever.
///
/// A transient failure (a `RetryableError`, or a `TransportError` whose
/// `isTransient` is true) requeues the message after a delay that starts at
/// the error's `retryDelay` and doubles up to `maximumDelay`. Once the message
/// was retried `maxRetries` times, or `window` has passed since its first
/// failure, it goes to the `error` port with code `retries_exhausted` and is
/// rejected to `dead-<queue>`.
///
/// The decision is a pure function of how often and since when the message
/// failed. Today the participant counts retries itself (per process, by queue
/// and body); a transport that learns the broker's delivery count (a header
/// counter, `x-delivery-count` of quorum queues) can feed the same decision,
/// so the budget then holds across every worker of a role.
public struct RetryBudget: Sendable, Hashable {
    /// Requeues of one message before it is given up on.
    public var maxRetries: Int
    /// Time from a message's first transient failure after which it is given up on.
    public var window: Duration
    /// Upper bound of the delay before one requeue.
    public var maximumDelay: Duration

    public init(maxRetries: Int = 20, window: Duration = .seconds(600), maximumDelay: Duration = .seconds(30)) {
        self.maxRetries = max(0, maxRetries)
        self.window = window
        self.maximumDelay = maximumDelay
    }

    /// What to do with a message that just failed transiently.
    public enum Decision: Sendable, Hashable {
        /// Requeue it after waiting this long.
        case retry(after: Duration)
        /// Stop: it failed `failures` times over `elapsed`.
        case giveUp(failures: Int, elapsed: Duration)
    }

    /// - Parameters:
    ///   - failures: transient failures of this message so far, this one included (1 on the first).
    ///   - elapsed: time since its first transient failure.
    ///   - suggestedDelay: the error's own `retryDelay` (the first delay).
    ///   - unit: a random number in 0...1 for the jitter (passed in to keep this pure).
    public func decide(failures: Int, elapsed: Duration, suggestedDelay: Duration, unit: Double) -> Decision {
        guard failures <= maxRetries, elapsed < window else {
            return .giveUp(failures: failures, elapsed: elapsed)
        }
        let backoff = Backoff(initial: max(suggestedDelay, .zero), maximum: max(maximumDelay, suggestedDelay), jitter: 0.1)
        return .retry(after: backoff.delay(afterFailures: max(0, failures - 1), unit: unit))
    }
}
