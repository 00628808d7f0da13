import Foundation
import Logging

/// Deletes jobs, their images and their stored results once they are older
/// than the retention (`IMAGERESIZE_RETENTION`, 7 days by default), in
/// small batches; runs in every store worker (overlapping sweeps delete
/// nothing twice). Results go first, then the rows, so no result outlives
/// the job that points at it; a sweep cut short is finished by the next.
public struct RetentionSweeper: Sendable {
    public var retention: TimeInterval
    public var schedule: RetentionSchedule
    let store: any ExpiringJobStore
    let storage: any ImageStorage
    let logger: Logger

    public init(
        retention: TimeInterval, schedule: RetentionSchedule = RetentionSchedule(), store: any ExpiringJobStore,
        storage: any ImageStorage, logger: Logger
    ) {
        self.retention = retention
        self.schedule = schedule
        self.store = store
        self.storage = storage
        self.logger = logger
    }

    /// Results older than this with no image pointing at them are orphans: a
    /// store worker records an image within seconds of storing its bytes.
    public static let orphanAge: TimeInterval = 3600

    /// Deletes at most one batch of jobs created before `now - retention`
    /// (and one of orphaned results); returns how many jobs.
    public func sweepOnce(now: Date = Date()) async throws -> Int {
        let orphans = try await store.deleteOrphanedResults(before: now.addingTimeInterval(-Self.orphanAge), limit: schedule.batchSize)
        if orphans > 0 { logger.info("orphaned results deleted", metadata: ["results": "\(orphans)"]) }
        let expired = try await store.expiredJobs(before: now.addingTimeInterval(-retention), limit: schedule.batchSize)
        guard !expired.isEmpty else { return 0 }
        try await storage.delete(keys: expired.flatMap(\.storageKeys))
        return try await store.deleteJobs(expired.map(\.id))
    }

    /// Sweeps until the task is cancelled, waiting as `schedule` says.
    public func run(now: @escaping @Sendable () -> Date = Date.init) async {
        var failures = 0
        while !Task.isCancelled {
            let outcome: RetentionSchedule.Outcome
            do {
                let deleted = try await sweepOnce(now: now())
                if deleted > 0 { logger.info("old jobs deleted", metadata: ["jobs": "\(deleted)", "retention_s": "\(Int(retention))"]) }
                outcome = .deleted(jobs: deleted)
            } catch {
                outcome = .failed
                logger.warning("retention sweep failed; retrying later", metadata: ["error": "\(error)", "failures": "\(failures + 1)"])
            }
            let next = schedule.next(after: outcome, failuresBefore: failures, unit: Double.random(in: 0...1))
            failures = next.failures
            try? await Task.sleep(for: next.delay)
        }
    }
}
