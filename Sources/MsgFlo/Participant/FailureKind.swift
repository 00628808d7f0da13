/// How the runtime settles a message whose handler (or one of its sends) failed.
enum FailureKind: Sendable, Hashable {
    /// Shutdown interrupted the handler: not the message's fault; give it
    /// back at once, without spending its retry budget.
    case interrupted
    /// May succeed later (a dependency or the broker is away): requeue within
    /// the retry budget, the first time after `delay`.
    case transient(delay: Duration)
    /// Fails the same way every time: error port, then dead-letter.
    case permanent

    /// An explicit `RetryableError` is retried; a `TransportError` is retried
    /// when it is transient; anything else is permanent.
    init(_ error: any Error, cancelled: Bool) {
        if error is CancellationError, cancelled {
            self = .interrupted
        } else if let retryable = error as? any RetryableError {
            self = .transient(delay: retryable.retryDelay)
        } else if let transport = error as? TransportError {
            self = transport.isTransient ? .transient(delay: .seconds(1)) : .permanent
        } else {
            self = .permanent
        }
    }

    /// The code an error port message carries, when the failure has one
    /// (`message_too_large`, `publish_timeout`, ...).
    static func code(of error: any Error) -> String? {
        if let transport = error as? TransportError { return transport.code.description }
        if let retry = error as? RetryLater { return code(of: retry.underlying) }
        return nil
    }
}
