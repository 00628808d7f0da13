import Foundation

/// A value guarded by a lock, for state shared between threads and tasks.
///
/// Used where an actor would force `await` on code that must stay synchronous
/// (broker routing, counters read from Foundation threads). Closures passed to
/// `withLock` must not block or call back into the same lock.
package final class LockedState<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    package init(_ state: State) { self.state = state }

    package func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
