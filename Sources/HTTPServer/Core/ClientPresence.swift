import Primitives

/// Whether a request's client is still connected. A long-running handler (a
/// long-poll) races its work against `departure()` and stops holding
/// resources for a client that went away. The connection marks it when the
/// peer closes; a half-closed client may still read, so a handler that
/// answers anyway (with what it has now) serves both.
public final class ClientPresence: Sendable {
    private let gone = Latch()

    public init() {}

    /// True once the peer closed its side of the connection.
    public var isGone: Bool { gone.isFired }

    /// Returns when the client goes away, or when the calling task is cancelled.
    public func departure() async { await gone.wait() }

    /// Called by the connection when the peer closed.
    func markGone() { gone.fire() }
}
