import Foundation
import Synchronization
import Testing

@testable import Primitives

@Suite("withPromptCancellation")
struct PromptCancellationTests {
    /// A body that ignores cancellation (a continuation a connection thread
    /// resumes only when its attempt ends) must not hold the cancelled caller.
    @Test func cancellationAnswersBeforeTheBodyDoes() async throws {
        let cancelled = Mutex(false)
        let started = ContinuousClock.now
        let caller = Task {
            try await withPromptCancellation {
                // Not cancellable: a plain blocking wait of 3 s on another thread.
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    Thread.detachNewThread {
                        Thread.sleep(forTimeInterval: 3)
                        done.resume()
                    }
                }
            } onCancel: {
                cancelled.withLock { $0 = true }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(cancelled.withLock { $0 })
    }

    @Test func theBodysResultIsReturnedWhenNotCancelled() async throws {
        let value = try await withPromptCancellation {
            42
        } onCancel: {
        }
        #expect(value == 42)
    }
}
