import Foundation

/// A value guarded by a lock, for state shared between threads and tasks.
///
/// Used where an actor would force `await` on code that must stay synchronous
/// (broker routing, counters read from Foundation threads). Closures passed to
/// `withLock` must not block or call back into the same lock.
///
/// The reference wrapper for state a stdlib `Mutex` cannot hold as a stored
/// property (a `Mutex` is non-copyable: it fits a `let` in a final class, not
/// a value captured by several closures or passed around). `@unchecked
/// Sendable`: `state` is only reached inside `withLock`, with `lock` held.
package final class LockedState<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    package init(_ state: State) { self.state = state }

    package func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    /// A copy of the state as it is now (for reading; change it with `withLock`).
    package var value: State { withLock { $0 } }
}
