import Foundation

/// Why `BlockingPool.run` refused work.
public enum BlockingPoolError: Error, CustomStringConvertible, Hashable, Sendable {
    /// Every thread is busy and the queue is full: shed load or raise the capacity.
    case queueFull(capacity: Int)
    /// `shutdown()` was called.
    case shutDown

    public var description: String {
        switch self {
        case .queueFull(let capacity):
            return "blocking pool queue is full (\(capacity) waiting jobs): lower concurrency (prefetch) or raise the pool's queue capacity"
        case .shutDown:
            return "blocking pool was shut down: create a new one"
        }
    }
}

/// Dedicated threads for CPU-heavy or blocking C work (libvips, libpq,
/// libcurl), so it never occupies Swift's cooperative thread pool, which has
/// only one thread per core and stalls every task when one of them blocks.
///
/// Each thread may own a `ThreadContext`, made on that thread when it starts
/// and handed to every job it runs: state that must not be shared between
/// threads and is worth keeping between jobs (a libcurl handle with its open
/// connections). `BlockingPool(threads:)` has none (`ThreadContext == Void`).
///
/// The queue is bounded: when full, `run` throws `queueFull` instead of
/// piling up work, so overload shows up as an error the caller can answer.
public final class BlockingPool<ThreadContext>: Sendable {
    private final class Job: Sendable {
        let body: @Sendable (_ context: ThreadContext, _ cancelled: Bool) -> Void
        private let cancelled = LockedState(false)
        init(body: @escaping @Sendable (_ context: ThreadContext, _ cancelled: Bool) -> Void) { self.body = body }
        func cancel() { cancelled.withLock { $0 = true } }
        func run(_ context: ThreadContext) { body(context, cancelled.withLock { $0 }) }
    }

    /// The queue the threads share. `@unchecked`: every field is read and
    /// written with `condition` locked (a Mutex has no condition variable).
    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [Job] = []
        var head = 0
        var shuttingDown = false
        var running = 0
    }

    public let threadCount: Int
    public let queueCapacity: Int
    private let shared = Shared()

    /// Starts `threads` threads named `<name>-<n>`, with a queue of at most
    /// `queueCapacity` jobs waiting for a thread. Each thread first calls
    /// `makeContext` (on itself) and keeps the result until it ends.
    public init(
        threads: Int, queueCapacity: Int = 1024, name: String = "blocking-pool", stackSize: Int = 8 << 20,
        threadContext makeContext: @escaping @Sendable () -> ThreadContext
    ) {
        precondition(threads > 0, "a BlockingPool needs at least one thread")
        self.threadCount = threads
        self.queueCapacity = max(0, queueCapacity)
        for index in 0..<threads {
            let shared = self.shared
            let threadName = "\(name)-\(index)"
            let thread = Thread {
                // On Linux a name set before start() does not reliably reach the running thread.
                Thread.current.name = threadName
                PoolThreadLabel.set(threadName)
                Self.workerLoop(shared, context: makeContext())
                PoolThreadLabel.set(nil)
            }
            thread.stackSize = stackSize
            thread.start()
        }
    }

    deinit { shutdown() }

    /// Runs `work` on one of the pool's threads, with that thread's context,
    /// and returns its result. Cancelling the caller before the work started
    /// skips it (throws `CancellationError`); work already running is never
    /// interrupted (watch for cancellation inside `work` if it can take long).
    public func run<T: Sendable>(_ work: @Sendable @escaping (ThreadContext) throws -> T) async throws -> T {
        try Task.checkCancellation()
        let holder = LockedState<Job?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let job = Job { context, cancelled in
                    if cancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume(with: Result { try work(context) })
                    }
                }
                holder.withLock { $0 = job }
                if let error = enqueue(job) { continuation.resume(throwing: error) }
            }
        } onCancel: {
            holder.withLock { $0 }?.cancel()
        }
    }

    /// Lets queued work finish, then ends the threads (dropping their
    /// contexts); later `run` calls throw `shutDown`.
    public func shutdown() {
        shared.condition.lock()
        shared.shuttingDown = true
        shared.condition.broadcast()
        shared.condition.unlock()
    }

    /// Jobs waiting for a thread (not counting running ones).
    public var queuedCount: Int {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        return shared.jobs.count - shared.head
    }

    private func enqueue(_ job: Job) -> BlockingPoolError? {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        if shared.shuttingDown { return .shutDown }
        // Jobs that will have to wait for a thread once every idle thread took one.
        let waitingForThread = shared.jobs.count - shared.head + shared.running - threadCount
        if waitingForThread >= queueCapacity { return .queueFull(capacity: queueCapacity) }
        shared.jobs.append(job)
        shared.condition.signal()
        return nil
    }

    private static func workerLoop(_ shared: Shared, context: ThreadContext) {
        while true {
            shared.condition.lock()
            while shared.head == shared.jobs.count, !shared.shuttingDown {
                shared.condition.wait()
            }
            if shared.head == shared.jobs.count {
                shared.condition.unlock()
                return
            }
            let job = shared.jobs[shared.head]
            shared.head += 1
            if shared.head == shared.jobs.count {
                shared.jobs.removeAll(keepingCapacity: true)
                shared.head = 0
            }
            shared.running += 1
            shared.condition.unlock()

            job.run(context)

            shared.condition.lock()
            shared.running -= 1
            shared.condition.unlock()
        }
    }
}

extension BlockingPool where ThreadContext == Void {
    /// A pool whose threads keep no state between jobs.
    public convenience init(threads: Int, queueCapacity: Int = 1024, name: String = "blocking-pool", stackSize: Int = 8 << 20) {
        self.init(threads: threads, queueCapacity: queueCapacity, name: name, stackSize: stackSize, threadContext: {})
    }

    /// Runs `work` on one of the pool's threads and returns its result.
    public func run<T: Sendable>(_ work: @Sendable @escaping () throws -> T) async throws -> T {
        try await run { (_: Void) in try work() }
    }

    /// The name of the thread of any `BlockingPool` running the caller
    /// (`<name>-<n>`), nil on any other thread. Lets C wrappers assert they
    /// are off the cooperative pool. (Declared here so that plain
    /// `BlockingPool.currentThreadLabel` names it.)
    public static var currentThreadLabel: String? { PoolThreadLabel.get() }
}

/// A per-thread label in pthread-specific storage, which (unlike
/// `Thread.current.name` on Linux) is exact for the calling thread.
private enum PoolThreadLabel {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func set(_ label: String?) {
        if let old = pthread_getspecific(key) { Unmanaged<NSString>.fromOpaque(old).release() }
        let value = label.map { UnsafeMutableRawPointer(Unmanaged.passRetained(NSString(string: $0)).toOpaque()) }
        pthread_setspecific(key, value)
    }

    static func get() -> String? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<NSString>.fromOpaque(raw).takeUnretainedValue() as String
    }
}
