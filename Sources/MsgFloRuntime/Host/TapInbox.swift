import Foundation
import Primitives

/// Messages seen by the taps, gathered on the transports' threads and handed
/// to the coordinator in bursts (every `RuntimeHost.Options.tapFlushInterval`):
/// a hot edge brings thousands a second, and waking the coordinator for each
/// one would cost more CPU than everything else the runtime does. What waits
/// is bounded; beyond it the newest are dropped (the edge is sampled anyway).
final class TapInbox: Sendable {
    static let limit = 20_000

    private struct State {
        var pending: [(exchange: String, body: Data)] = []
        var dropped = 0
    }

    private let state = LockedState(State())

    func add(exchange: String, body: Data) {
        state.withLock { state in
            if state.pending.count < Self.limit { state.pending.append((exchange, body)) } else { state.dropped += 1 }
        }
    }

    /// What arrived since the last call, and how many were dropped meanwhile.
    func drain() -> (messages: [(exchange: String, body: Data)], dropped: Int) {
        state.withLock { state in
            defer { state = State() }
            return (state.pending, state.dropped)
        }
    }
}
