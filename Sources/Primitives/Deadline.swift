import Foundation
import Synchronization

/// Runs `body`, or throws `DeadlineExceeded` after `timeout` without waiting
/// for it (a blocked broker call must not hold an HTTP request forever). The
/// body is cancelled then, but runs on until it notices (a continuation held
/// by a connection thread resumes only when that thread answers).
package func withDeadline<T: Sendable>(_ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let once = ResumeOnce<T>()
    return try await withCheckedThrowingContinuation { continuation in
        once.set(continuation)
        let work = Task { once.resume(with: await Result { try await body() }) }
        Task {
            try? await Task.sleep(for: timeout)
            if once.resume(with: .failure(DeadlineExceeded(what: what, timeout: timeout))) { work.cancel() }
        }
    }
}

/// Runs `body`, and throws `CancellationError` as soon as the calling task is
/// cancelled, without waiting for `body` to notice: a connection thread stuck
/// in a connect attempt (a TCP connect or a login that takes seconds) must not
/// hold a SIGTERM'd process. `onCancel` runs first (tell the thread to give up);
/// the body's own result, when it comes, is dropped.
package func withPromptCancellation<T: Sendable>(
    _ body: @escaping @Sendable () async throws -> T, onCancel: @escaping @Sendable () -> Void
) async throws -> T {
    let once = ResumeOnce<T>()
    let work = Task { once.resume(with: await Result { try await body() }) }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
        }
    } onCancel: {
        onCancel()
        if once.resume(with: .failure(CancellationError())) { work.cancel() }
    }
}

package struct DeadlineExceeded: Error, CustomStringConvertible {
    package var what: String
    package var timeout: Duration
    package init(what: String, timeout: Duration) {
        self.what = what
        self.timeout = timeout
    }
    package var description: String { "\(what) did not finish within \(timeout)" }
}

/// Resumes one continuation with the first result it is given.
final class ResumeOnce<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let pending = state.pending { return pending }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// True when this call was the one that resumed.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let (target, first) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Bool) in
            if state.pending != nil { return (nil, false) }
            state.pending = result
            defer { state.continuation = nil }
            return (state.continuation, true)
        }
        target?.resume(with: result)
        return first
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
