import Foundation
import Logging
import Primitives
import TestSupport
import Testing

@testable import ImageResize

/// When the sweeper runs next: after full batches, when caught up, after failures.
@Suite(.logsOnFailure) struct RetentionScheduleTests {
    static let schedule = RetentionSchedule(
        batchSize: 100, batchPause: .milliseconds(500), interval: .seconds(600),
        backoff: Backoff(initial: .seconds(5), maximum: .seconds(600), jitter: 0))

    @Test(
        arguments: [
            // outcome, failures before -> delay (s), failures after
            (RetentionSchedule.Outcome.deleted(jobs: 100), 0, 0.5, 0),
            (.deleted(jobs: 100), 7, 0.5, 0),
            (.deleted(jobs: 99), 0, 600, 0),
            (.deleted(jobs: 0), 3, 600, 0),
            (.failed, 0, 5, 1),
            (.failed, 1, 10, 2),
            (.failed, 4, 80, 5),
            (.failed, 7, 600, 8),
            (.failed, 1000, 600, 1001),
        ] as [(RetentionSchedule.Outcome, Int, Double, Int)])
    func next(_ outcome: RetentionSchedule.Outcome, _ failures: Int, _ seconds: Double, _ failuresAfter: Int) {
        let next = Self.schedule.next(after: outcome, failuresBefore: failures, unit: 0.5)
        #expect(abs(next.delay.seconds - seconds) < 0.001)
        #expect(next.failures == failuresAfter)
    }

    /// Several store workers sweep a little apart, never more than 10% off the interval.
    @Test(arguments: [0.0, 1.0])
    func caughtUpSweepsSpreadOut(_ unit: Double) {
        let delay = Self.schedule.next(after: .deleted(jobs: 0), failuresBefore: 0, unit: unit).delay.seconds
        #expect(delay >= 540 && delay <= 660)
    }
}

@Suite(.logsOnFailure) struct RetentionConfigTests {
    @Test(
        arguments: [
            ("7d", 604_800.0), ("36h", 129_600), ("90m", 5400), ("3600s", 3600), ("3600", 3600), ("60", 60),
            ("3650d", 315_360_000), (" 2D ", 172_800),
        ] as [(String, Double)])
    func parses(_ text: String, _ seconds: Double) throws {
        #expect(try ServiceConfig(environment: ["IMAGERESIZE_RETENTION": text]).retention == seconds)
    }

    @Test func defaultsToAWeekAndCanBeOff() throws {
        #expect(ServiceConfig().retention == TimeInterval(604_800))
        #expect(try ServiceConfig(environment: ["IMAGERESIZE_RETENTION": "off"]).retention == nil)
    }

    @Test(arguments: [
        "0", "59", "59s", "1y", "-1d", "7 d", "1e3", "7.5d", "d", "3651d", "99999999999d", "9223372036854775807",
        "１d", "7d\u{0}",
    ])
    func refuses(_ text: String) {
        #expect(throws: ServiceConfigError.self) { try ServiceConfig(environment: ["IMAGERESIZE_RETENTION": text]) }
    }
}

/// The sweeper over in-memory stores: batches, order, what it deletes and keeps.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct RetentionSweeperTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let quiet = Logger(label: "retention.test") { _ in SwiftLogNoOpLogHandler() }

    /// Jobs created `ages` days before `now`, each with one stored result.
    static func jobs(_ api: WebAPIHarness, ages: [Double]) async throws -> [UUID] {
        var ids: [UUID] = []
        for age in ages {
            let id = UUID()
            try await api.store.create(
                jobID: id, images: [(UUID(), ImageSpec(url: "http://a/\(age)", width: 10, height: nil))],
                at: now.addingTimeInterval(-age * 86_400))
            try await api.finish(id, image: 0, startedAt: now.addingTimeInterval(-age * 86_400))
            ids.append(id)
        }
        return ids
    }

    static func sweeper(_ api: WebAPIHarness, batch: Int) -> RetentionSweeper {
        RetentionSweeper(
            retention: 7 * 86_400, schedule: RetentionSchedule(batchSize: batch), store: api.store, storage: api.storage,
            logger: quiet)
    }

    @Test func deletesOldJobsAndTheirResultsOldestFirstInBatches() async throws {
        let api = WebAPIHarness()
        let ids = try await Self.jobs(api, ages: [30, 8, 7.5, 10, 1, 6.9])
        let keptKeys = try await [ids[4], ids[5]].asyncMap { try await api.store.job($0)?.images[0].output?.storageKey }
        let sweeper = Self.sweeper(api, batch: 2)
        #expect(try await sweeper.sweepOnce(now: Self.now) == 2)
        let oldest = (try await api.store.job(ids[0]), try await api.store.job(ids[3]))
        #expect(oldest.0 == nil && oldest.1 == nil, "the two oldest go first")
        #expect(try await api.store.job(ids[1]) != nil)
        #expect(try await sweeper.sweepOnce(now: Self.now) == 2)
        #expect(try await sweeper.sweepOnce(now: Self.now) == 0)
        #expect(await api.store.count == 2)
        #expect(await api.storage.keys == Set(keptKeys.compactMap { $0 }), "only the kept jobs' results remain")
    }

    /// Results are deleted before their rows: when that fails, the rows stay
    /// for the next sweep and no result is left without its job.
    @Test func aStorageFailureDeletesNothing() async throws {
        let api = WebAPIHarness()
        _ = try await Self.jobs(api, ages: [30, 20])
        await api.storage.setFailingDeletes(true)
        await #expect(throws: (any Error).self) { try await Self.sweeper(api, batch: 10).sweepOnce(now: Self.now) }
        #expect(await api.store.count == 2)
        #expect(await api.storage.keys.count == 2)
    }

    /// A database that refuses every sweep is asked again after growing
    /// waits, not in a loop: a bound on attempts, not a timing.
    @Test func aRefusingDatabaseIsNotAskedInATightLoop() async throws {
        let api = WebAPIHarness()
        await api.store.setFailing(true)
        var schedule = RetentionSchedule(batchSize: 10)
        schedule.backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(600), jitter: 0)
        let sweeper = RetentionSweeper(retention: 86_400, schedule: schedule, store: api.store, storage: api.storage, logger: Self.quiet)
        let running = Task { await sweeper.run() }
        try await Task.sleep(for: .seconds(1))
        running.cancel()
        await running.value
        let attempts = await api.store.expiredQueries
        // Immediately, then after 0.2, 0.4 and 0.8 s: at most 3 in the first second.
        #expect(attempts >= 1 && attempts <= 3, "\(attempts) attempts")
    }

    /// A result for a job that is gone (deleted by retention) is not kept.
    @Test func aResultForAGoneJobLeavesNoBytes() async throws {
        let api = WebAPIHarness()
        let outcome = ResizeOutcome(
            jobID: UUID(), imageID: UUID(), startedAt: Self.now, finishedAt: Self.now,
            result: .init(width: 1, height: 1, format: .png, data: Data([1])))
        #expect(try await StoreWorker.keep(outcome, store: api.store, storage: api.storage, logger: Self.quiet) == .unknownImage)
        #expect(await api.storage.keys.isEmpty)
    }
}

/// How long a store worker waits before retrying a message the database refused.
@Suite(.logsOnFailure) struct FailureStreakTests {
    @Test func waitsGrowThenResetOnSuccess() {
        let streak = FailureStreak(backoff: Backoff(initial: .seconds(2), maximum: .seconds(60), jitter: 0))
        #expect((1...7).map { _ in streak.failed().seconds } == [2, 4, 8, 16, 32, 60, 60])
        streak.succeeded()
        #expect(streak.failures == 0)
        #expect(streak.failed().seconds == 2)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
