/// An error that says "not this message's fault, try again later".
///
/// A handler throws one when a dependency is down (a database restarting, a
/// storage timeout): the runtime waits (`retryDelay`, doubling on each retry),
/// then requeues the message instead of sending it to `error` and the
/// dead-letter queue, so an outage loses nothing. The participant's
/// `RetryBudget` bounds how often and how long. (A transient `TransportError`
/// is retried the same way without wrapping.)
public protocol RetryableError: Error {
    /// How long to hold the message before requeueing, so a down dependency is not hammered.
    var retryDelay: Duration { get }
}

extension RetryableError {
    public var retryDelay: Duration { .seconds(1) }
}

/// Wraps any error as retryable.
public struct RetryLater: RetryableError, CustomStringConvertible {
    public var underlying: any Error
    public var retryDelay: Duration

    public init(_ underlying: any Error, retryDelay: Duration = .seconds(1)) {
        self.underlying = underlying
        self.retryDelay = retryDelay
    }

    public var description: String { "retry later: \(underlying)" }
}
