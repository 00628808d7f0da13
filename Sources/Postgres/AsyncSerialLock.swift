/// A FIFO lock for async code: gives one task at a time the use of a
/// connection, so a transaction's statements are never interleaved with
/// another task's.
actor AsyncSerialLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        guard locked else {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Runs `body` holding `lock`, in the caller's isolation (a free function:
/// an actor method could not run a non-Sendable closure outside the actor).
func withSerialLock<T>(
    _ lock: AsyncSerialLock, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
) async throws -> T {
    await lock.lock()
    do {
        let result = try await body()
        await lock.unlock()
        return result
    } catch {
        await lock.unlock()
        throw error
    }
}
