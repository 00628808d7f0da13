import Foundation
import TestSupport
import Testing

@testable import Primitives

@Suite("BlockingPool", .timeLimit(.minutes(1)), .logsOnFailure)
struct ParticipantBlockingPoolTests {
    struct Boom: Error, Equatable {}

    @Test func runsWorkOnItsOwnThreads() async throws {
        let pool = BlockingPool(threads: 2, name: "test-pool")
        defer { pool.shutdown() }
        let label = try await pool.run { BlockingPool.currentThreadLabel }
        #expect(label?.hasPrefix("test-pool-") == true)
        #expect(BlockingPool.currentThreadLabel == nil, "the test itself runs on the cooperative pool")
        #expect(try await pool.run { 6 * 7 } == 42)
        await #expect(throws: Boom()) { try await pool.run { throw Boom() } }
    }

    @Test func runsAsManyJobsAtOnceAsItHasThreads() async throws {
        let pool = BlockingPool(threads: 3)
        defer { pool.shutdown() }
        let running = LockedState((now: 0, max: 0))
        // Each job waits until three are running at once (or gives up): only possible with three threads.
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<9 {
                group.addTask {
                    try await pool.run {
                        running.withLock {
                            $0.now += 1
                            $0.max = max($0.max, $0.now)
                        }
                        defer { running.withLock { $0.now -= 1 } }
                        let deadline = Date().addingTimeInterval(5)
                        while running.withLock({ $0.max }) < 3, Date() < deadline { usleep(1000) }
                        return running.withLock { $0.max } == 3
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
        #expect(running.withLock { $0.max } == 3)
    }

    @Test func refusesWorkWhenTheQueueIsFull() async throws {
        let pool = BlockingPool(threads: 1, queueCapacity: 1)
        defer { pool.shutdown() }
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let first = Task {
            try await pool.run {
                started.signal()
                release.wait()
            }
        }
        try await waitUntil("the first job to run") { started.wait(timeout: .now()) == .success }
        let second = Task { try await pool.run { 2 } }
        try await waitUntil("the second job to queue") { pool.queuedCount == 1 }
        await #expect(throws: BlockingPoolError.queueFull(capacity: 1)) { try await pool.run { 3 } }
        release.signal()
        try await first.value
        #expect(try await second.value == 2)
    }

    @Test func refusesWorkAfterShutdown() async throws {
        let pool = BlockingPool(threads: 1)
        pool.shutdown()
        await #expect(throws: BlockingPoolError.shutDown) { try await pool.run { 1 } }
    }

    @Test func skipsQueuedWorkWhoseCallerWasCancelled() async throws {
        let pool = BlockingPool(threads: 1)
        defer { pool.shutdown() }
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let ran = LockedState(false)
        let blocker = Task {
            try await pool.run {
                started.signal()
                release.wait()
            }
        }
        try await waitUntil("the blocker to run") { started.wait(timeout: .now()) == .success }
        let queued = Task { try await pool.run { ran.withLock { $0 = true } } }
        try await waitUntil("the job to queue") { pool.queuedCount == 1 }
        queued.cancel()
        release.signal()
        try await blocker.value
        await #expect(throws: CancellationError.self) { try await queued.value }
        #expect(!ran.withLock { $0 })
    }
}

@Suite("BlockingPool thread context", .logsOnFailure)
struct BlockingPoolThreadContextTests {
    /// Stands in for a libcurl handle: made once per thread, used by every job there.
    final class Session {
        let thread = BlockingPool<Void>.currentThreadLabel
        var jobs = 0
    }

    @Test func eachThreadMakesItsContextOnceAndReusesIt() async throws {
        let made = LockedState(0)
        let pool = BlockingPool(threads: 2, name: "context-pool") { () -> Session in
            made.withLock { $0 += 1 }
            return Session()
        }
        defer { pool.shutdown() }
        let runs = try await withThrowingTaskGroup(of: (String?, String?, ObjectIdentifier).self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.run { session in
                        session.jobs += 1
                        return (session.thread, BlockingPool.currentThreadLabel, ObjectIdentifier(session))
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // The context was made on, and only used on, its own thread.
        #expect(runs.allSatisfy { $0.0 != nil && $0.0 == $0.1 })
        #expect(Set(runs.map(\.2)).count <= 2)
        try await waitUntil("both threads to start") { made.value == 2 }
        #expect(made.value == 2, "one context per thread, not per job")
    }

    @Test func jobsSeeWhatEarlierJobsLeftInTheContext() async throws {
        let pool = BlockingPool(threads: 1) { Session() }
        defer { pool.shutdown() }
        var counts: [Int] = []
        for _ in 0..<3 {
            counts.append(
                try await pool.run { session in
                    session.jobs += 1
                    return session.jobs
                })
        }
        #expect(counts == [1, 2, 3])
    }

    @Test func shutdownRunsQueuedJobsThenRefuses() async throws {
        let pool = BlockingPool(threads: 1) { Session() }
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let first = Task {
            try await pool.run { session in
                session.jobs += 1
                started.signal()
                release.wait()
            }
        }
        try await waitUntil("the first job to run") { started.wait(timeout: .now()) == .success }
        let queued = Task {
            try await pool.run { session in
                session.jobs += 1
                return session.jobs
            }
        }
        try await waitUntil("the second job to queue") { pool.queuedCount == 1 }
        pool.shutdown()
        await #expect(throws: BlockingPoolError.shutDown) { try await pool.run { _ in 0 } }
        release.signal()
        try await first.value
        #expect(try await queued.value == 2, "the queued job ran, on the same thread's context")
    }
}
