import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@testable import ImageResize

/// Long-polls: woken by NOTIFY only, never missing a wake, capped per process,
/// ended by their client leaving.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct LongPollTests {
    /// A job that finishes after its long-poll read it but before it waits.
    @Test func aWakeBetweenTheReadAndTheWaitIsNotMissed() async throws {
        let waiter = JobWaiter()
        let job = UUID()
        let ticket = try await waiter.register(job)
        await waiter.willRead(ticket)
        await waiter.wake(job) // the store finished it just now
        let clock = ContinuousClock()
        let took = await clock.measure { await waiter.wait(ticket, timeout: .seconds(30)) }
        #expect(took < .seconds(1))
        await waiter.release(ticket)
        #expect(await waiter.waiting == 0)
    }

    @Test func registrationsBeyondTheCapacityAreRefused() async throws {
        let waiter = JobWaiter(capacity: 2)
        let first = try await waiter.register(UUID())
        _ = try await waiter.register(UUID())
        await #expect(throws: JobWaiterFull.self) { try await waiter.register(UUID()) }
        await waiter.release(first)
        _ = try await waiter.register(UUID())
    }

    @Test func aCancelledWaitReturnsAtOnce() async throws {
        let waiter = JobWaiter()
        let ticket = try await waiter.register(UUID())
        let waiting = Task { await waiter.wait(ticket, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(100))
        let clock = ContinuousClock()
        waiting.cancel()
        let took = await clock.measure { await waiting.value }
        #expect(took < .seconds(1))
    }

    /// The API: past `IMAGERESIZE_MAX_LONG_POLLS` a long-poll is refused with
    /// 503 and Retry-After; a plain read still works.
    @Test func longPollsOverTheCapGet503() async throws {
        let api = WebAPIHarness { $0.maxLongPolls = 1 }
        let id = try await api.submit()
        let first = Task { await api.get("/jobs/\(id.lowercased)?wait=10") }
        #expect(await eventually(timeout: .seconds(5)) { await api.waiter.waiting == 1 })
        let second = await api.get("/jobs/\(id.lowercased)?wait=10")
        #expect(second.status == 503)
        #expect(second.errorCode == "too_many_waiting")
        #expect(second.headers["Retry-After"] == "1")
        #expect(await api.get("/jobs/\(id.lowercased)").status == 200)
        try await api.finish(id, image: 0)
        let firstAnswer = await first.value
        #expect(firstAnswer.json["status"] as? String == "completed")
        #expect(await eventually(timeout: .seconds(5)) { await api.waiter.waiting == 0 })
    }

    /// With the LISTEN connection up, a long-poll reads its job when it starts
    /// and when its time is up, nothing in between (it used to re-read every
    /// second); without it, it re-reads every 2 s.
    @Test func aListeningWaiterDoesNotPollTheDatabase() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let api = WebAPIHarness { $0.maxWaitSeconds = 60 }
        let listening = Task { await api.waiter.listen(databaseURL: db.url, logger: WebAPIHarness.quiet) }
        defer { listening.cancel() }
        #expect(await eventually(timeout: .seconds(10)) { await api.waiter.isListening })
        let id = try await api.submit()
        let before = await api.store.jobReads
        let answer = await api.get("/jobs/\(id.lowercased)?wait=4.5")
        #expect(answer.json["status"] as? String == "pending")
        #expect(await api.store.jobReads - before == 2, "one read at the start, one when the wait ended")

        // A NOTIFY on the real database wakes it.
        let woken = Task { await api.get("/jobs/\(id.lowercased)?wait=30") }
        #expect(await eventually(timeout: .seconds(5)) { await api.waiter.waiting == 1 })
        // Finished in the store without the in-process wake: only the NOTIFY can wake it.
        let image = try #require(try await api.store.job(id)).images[0].id
        let outcome = ResizeOutcome(jobID: id, imageID: image, startedAt: Date(), finishedAt: Date(), error: ImageFailure(code: "x", message: "y"))
        _ = try await api.store.record(outcome, output: nil)
        _ = try await db.pool.execute("SELECT pg_notify($1, $2)", [.string(PostgresJobStore.finishedChannel), .string(id.uuidString.lowercased())])
        let clock = ContinuousClock()
        var status: String?
        let took = await clock.measure { status = await woken.value.json["status"] as? String }
        #expect(status == "failed", "finished (its one image failed)")
        #expect(took < .seconds(5))
    }

    @Test func withoutListeningItRereadsEveryTwoSeconds() async throws {
        let api = WebAPIHarness()
        let id = try await api.submit()
        let before = await api.store.jobReads
        _ = await api.get("/jobs/\(id.lowercased)?wait=4.5")
        #expect(await api.store.jobReads - before == 4, "at 0, 2, 4 and 4.5 s")
    }
}
