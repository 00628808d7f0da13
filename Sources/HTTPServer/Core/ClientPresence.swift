import Synchronization

/// Whether a request's client is still connected. A long-running handler (a
/// long-poll) races its work against `departure()` and stops holding
/// resources for a client that went away. The connection marks it when the
/// peer closes; a half-closed client may still read, so a handler that
/// answers anyway (with what it has now) serves both.
public final class ClientPresence: Sendable {
    private struct State {
        var gone = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// True once the peer closed its side of the connection.
    public var isGone: Bool { state.withLock { $0.gone } }

    /// Returns when the client goes away, or when the calling task is cancelled.
    public func departure() async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.gone || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Called by the connection when the peer closed.
    func markGone() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.gone = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
