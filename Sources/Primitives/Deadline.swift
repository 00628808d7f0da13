import Foundation

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

package struct DeadlineExceeded: Error, CustomStringConvertible {
    package var what: String
    package var timeout: Duration
    package init(what: String, timeout: Duration) {
        self.what = what
        self.timeout = timeout
    }
    package var description: String { "\(what) did not finish within \(timeout)" }
}

/// Resumes one continuation with the first result it is given; `@unchecked`
/// because `lock` guards both stored properties.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var pending: Result<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = lock.withLock {
            if let pending { return pending }
            self.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// True when this call was the one that resumed.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let target: CheckedContinuation<T, any Error>?
        var first = false
        (target, first) = lock.withLock { () -> (CheckedContinuation<T, any Error>?, Bool) in
            if pending != nil { return (nil, false) }
            pending = result
            defer { continuation = nil }
            return (continuation, true)
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
