import Foundation

@testable import ImageResize

/// A `JobStore` in memory with the semantics of `PostgresJobStore` (times kept
/// to the microsecond as PostgreSQL keeps them, the same ordering, counts and
/// percentiles), so the web API is tested without a database. The
/// `StatsAgreementTests` run one script against both and compare.
actor InMemoryJobStore: JobStore, ExpiringJobStore {
    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "connection refused (in-memory store set to fail)" }
    }

    private var jobsByID: [UUID: JobRecord] = [:]
    /// When true every call throws, as a database outage would.
    var failing = false
    private(set) var deleted: [UUID] = []

    func setFailing(_ failing: Bool) { self.failing = failing }

    var count: Int { jobsByID.count }

    func create(jobID: UUID, images: [(id: UUID, spec: ImageSpec)], at: Date) throws {
        try check()
        let at = Self.microseconds(at)
        jobsByID[jobID] = JobRecord(
            id: jobID, createdAt: at, updatedAt: at,
            images: images.enumerated().map { position, image in
                ImageRecord(id: image.id, position: position, spec: image.spec, createdAt: at)
            })
    }

    func delete(jobID: UUID) throws {
        try check()
        jobsByID[jobID] = nil
        deleted.append(jobID)
    }

    /// Reads of one job (`job(_:)`), to count a long-poll's database work.
    private(set) var jobReads = 0

    func job(_ id: UUID) throws -> JobRecord? {
        try check()
        jobReads += 1
        return jobsByID[id]
    }

    func jobs(_ query: JobQuery) throws -> [JobRecord] {
        try check()
        return jobsByID.values
            .filter { job in
                (query.status.map { job.status == $0 } ?? true) && (query.since.map { job.createdAt >= $0 } ?? true)
                    && (query.before.map { Self.newestFirst(($0.createdAt, $0.id), (job.createdAt, job.id)) } ?? true)
            }
            .sorted { Self.newestFirst(($0.createdAt, $0.id), ($1.createdAt, $1.id)) }
            .prefix(query.limit).map { $0 }
    }

    func stats(window: TimeInterval, now: Date) throws -> JobStats {
        try check()
        let since = Self.microseconds(now.addingTimeInterval(-window))
        let jobs = jobsByID.values.filter { $0.createdAt >= since }
        let images = jobs.flatMap(\.images).filter { $0.createdAt >= since }
        let statuses = jobs.map(\.status)
        return JobStats(
            windowSeconds: window,
            jobs: JobStats.Counts(
                total: jobs.count, pending: statuses.count(of: .pending), completed: statuses.count(of: .completed),
                failed: statuses.count(of: .failed), partial: statuses.count(of: .partial)),
            images: JobStats.Counts(
                total: images.count, pending: images.count { $0.status == .queued },
                completed: images.count { $0.status == .completed }, failed: images.count { $0.status == .failed }),
            waitingMs: JobStats.Percentiles(of: images.compactMap { image in image.startedAt.map { Self.milliseconds(image.createdAt, $0) } }),
            processingMs: JobStats.Percentiles(
                of: images.compactMap { image in
                    image.startedAt.flatMap { started in (image.completedAt ?? image.failedAt).map { Self.milliseconds(started, $0) } }
                }),
            jobMs: JobStats.Percentiles(of: jobs.compactMap { job in job.finishedAt.map { Self.milliseconds(job.createdAt, $0) } }))
    }

    func record(_ outcome: ResizeOutcome, output: ImageOutput?) throws -> RecordResult {
        try check()
        guard var job = jobsByID[outcome.jobID], let index = job.images.firstIndex(where: { $0.id == outcome.imageID }) else {
            return .unknownImage
        }
        guard job.images[index].status == .queued else { return .duplicate }
        let finished = Self.microseconds(outcome.finishedAt)
        job.images[index].startedAt = Self.microseconds(outcome.startedAt)
        if outcome.error == nil { job.images[index].completedAt = finished } else { job.images[index].failedAt = finished }
        job.images[index].output = output
        job.images[index].error = outcome.error
        job.updatedAt = finished
        let done = job.images.allSatisfy { $0.status != .queued }
        if done {
            if job.images.contains(where: { $0.status == .completed }) { job.completedAt = finished } else { job.failedAt = finished }
        }
        jobsByID[outcome.jobID] = job
        return .recorded(jobFinished: done)
    }

    func ping() throws { try check() }

    /// Counts the retention sweeper's questions, to bound how often it asks.
    private(set) var expiredQueries = 0

    func expiredJobs(before cutoff: Date, limit: Int) throws -> [ExpiredJob] {
        expiredQueries += 1
        try check()
        return jobsByID.values.filter { $0.createdAt < cutoff }
            .sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
            .prefix(limit)
            .map { ExpiredJob(id: $0.id, storageKeys: $0.images.compactMap(\.output?.storageKey)) }
    }

    func deleteJobs(_ ids: [UUID]) throws -> Int {
        try check()
        return ids.reduce(0) { deleted, id in jobsByID.removeValue(forKey: id) == nil ? deleted : deleted + 1 }
    }

    private func check() throws {
        if failing { throw Unreachable() }
    }

    /// `(createdAt, id) DESC` as PostgreSQL orders them: true when `a` sorts after `b` in time.
    static func newestFirst(_ a: (Date, UUID), _ b: (Date, UUID)) -> Bool {
        a.0 != b.0 ? a.0 > b.0 : a.1.uuidString.lowercased() > b.1.uuidString.lowercased()
    }

    /// PostgreSQL keeps timestamps to the microsecond.
    static func microseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }

    /// `extract(epoch FROM end - start) * 1000` of two microsecond timestamps.
    static func milliseconds(_ start: Date, _ end: Date) -> Double {
        ((end.timeIntervalSince(start)) * 1_000_000).rounded() / 1000
    }
}

extension [JobStatus] {
    fileprivate func count(of status: JobStatus) -> Int { count { $0 == status } }
}
