import Primitives

/// Which node of a broker URL's `endpoints` a connection tries next.
///
/// A node that cannot be reached or was lost is followed by the next one at
/// once; only when every node failed since the last connection does the
/// caller wait (its reconnect backoff), so a cluster with one node down
/// costs a failover one connect attempt, not a backoff delay. Pure: the
/// connection threads of both transports keep one each.
public struct FailoverRotation: Sendable, Hashable {
    /// How many endpoints there are (at least 1).
    public let count: Int
    /// The endpoint to try now.
    public private(set) var current = 0
    private var failuresSinceConnected = 0

    public init(count: Int) {
        self.count = max(1, count)
    }

    /// An attempt on `current` failed; moves to the next endpoint. Returns
    /// true when every endpoint has failed since the last connection: back off
    /// before the next attempt.
    public mutating func attemptFailed() -> Bool {
        current = (current + 1) % count
        failuresSinceConnected += 1
        guard failuresSinceConnected >= count else { return false }
        failuresSinceConnected = 0
        return true
    }

    /// An attempt on `current` failed: how long to wait before the next one,
    /// zero while some node is untried, else the reconnect backoff's delay.
    /// The one rule both transports' connection threads follow.
    public mutating func delayAfterFailedAttempt(_ reconnect: inout ReconnectBackoff) -> Duration {
        attemptFailed() ? reconnect.attemptFailed() : .zero
    }

    /// Connected to `current`.
    public mutating func connected() {
        failuresSinceConnected = 0
    }

    /// The connection to `current` was lost: the node may be going down, so
    /// the next attempt goes to the next node (a single node is retried).
    public mutating func connectionLost() {
        current = (current + 1) % count
        failuresSinceConnected = 0
    }
}
