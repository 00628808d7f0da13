import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM/SIGINT into an awaitable event, so loops stop between iterations
/// and the process exits cleanly.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var sources: [DispatchSourceSignal] = []

    init() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            sources.append(source)
        }
    }

    var isFired: Bool { lock.withLock { fired } }

    func fire() {
        let toResume: [CheckedContinuation<Void, Never>] = lock.withLock {
            fired = true
            defer { waiters = [] }
            return waiters
        }
        toResume.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if fired { return true }
                waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    /// Sleep up to `seconds`; returns early (true) when a signal arrived.
    func sleep(seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.wait(); return true }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first { self.fireWaitersOnly() }
            return first || self.isFired
        }
    }

    /// Releases the waiter task of an interrupted sleep without marking shutdown.
    private func fireWaitersOnly() {
        let toResume: [CheckedContinuation<Void, Never>] = lock.withLock {
            defer { waiters = [] }
            return waiters
        }
        toResume.forEach { $0.resume() }
    }
}
