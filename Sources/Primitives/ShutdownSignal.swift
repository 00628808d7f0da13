import Dispatch
import Foundation

/// Waits for SIGTERM or SIGINT, so every process drains in-flight work and
/// exits cleanly (Heroku sends SIGTERM and kills 30 s later). A second signal
/// exits at once, for an impatient Ctrl-C.
///
/// Cleanup runs after `wait()` returns, in a task that is *not* cancelled, so
/// its own waits (drain grace periods) still work.
public enum ShutdownSignal {
    public static func wait(for signals: [Int32] = [SIGTERM, SIGINT]) async -> Int32 {
        let received = Received()
        return await withCheckedContinuation { continuation in
            received.store(continuation, sources: signals.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { received.fire(number) }
                source.resume()
                return source
            })
        }
    }

    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Int32, Never>?
        private var sources: [DispatchSourceSignal] = []
        private var count = 0

        func store(_ continuation: CheckedContinuation<Int32, Never>, sources: [DispatchSourceSignal]) {
            lock.withLock {
                self.continuation = continuation
                self.sources = sources
            }
        }

        func fire(_ number: Int32) {
            let target: CheckedContinuation<Int32, Never>? = lock.withLock {
                count += 1
                if count > 1 { exit(128 + number) }
                defer { continuation = nil }
                return continuation
            }
            target?.resume(returning: number)
        }
    }
}
