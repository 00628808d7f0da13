import Foundation
import Postgres
import TestSupport
import Testing

@testable import ImageResize

/// A fresh schema on the real PostgreSQL for each test, migrated.
struct TestDatabase {
    let pool: PostgresPool
    let schema: String
    /// The URL of the schema, for a process under test (`DATABASE_URL`).
    let url: String

    static func make() async throws -> TestDatabase {
        let base = ProcessInfo.processInfo.environment["IMAGERESIZE_TEST_DATABASE_URL"] ?? "postgres://postgres@localhost:5432/imageresize"
        let schema = "t_\(UUID().uuidString.lowercased().prefix(12).replacingOccurrences(of: "-", with: ""))"
        let admin = try await PostgresConnection.connect(url: base)
        try await admin.executeScript("CREATE SCHEMA \(schema)")
        admin.close()
        let separator = base.contains("?") ? "&" : "?"
        let url = "\(base)\(separator)options=-csearch_path%3D\(schema)"
        let pool = try await PostgresPool.connect(url: url, size: 3)
        _ = try await Schema.migrator.migrate(pool)
        return TestDatabase(pool: pool, schema: schema, url: url)
    }

    func drop() async {
        try? await pool.executeScript("DROP SCHEMA \(schema) CASCADE")
        pool.close()
    }
}

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct PostgresJobStoreTests {
    func outcome(_ job: UUID, _ image: UUID, failed: Bool = false, at: Date = Date()) -> ResizeOutcome {
        ResizeOutcome(
            jobID: job, imageID: image, startedAt: at, finishedAt: at.addingTimeInterval(0.25),
            result: failed ? nil : .init(width: 10, height: 5, format: .jpeg, data: Data([1, 2, 3])),
            error: failed ? ImageFailure(code: "http_status", message: "404") : nil)
    }

    /// A job and its images are read from one snapshot: a result recorded
    /// between the two reads must not show up in the second only (the job
    /// would read as failed with no failed_at).
    @Test func jobReadsComeFromOneSnapshot() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let store = PostgresJobStore(database: db.pool)
        let jobID = UUID()
        let image = UUID()
        try await store.create(jobID: jobID, images: [(image, ImageSpec(url: "http://a/1", width: 10, height: nil))], at: Date())
        let (before, after) = try await db.pool.snapshot { session in
            let sql = "SELECT failed_at FROM images WHERE id = $1"
            let before = try await session.query(sql, [.uuid(image)], idempotent: false)
            // Another connection of the pool records the outcome and commits meanwhile.
            #expect(try await store.record(outcome(jobID, image, failed: true), output: nil) == .recorded(jobFinished: true))
            let after = try await session.query(sql, [.uuid(image)], idempotent: false)
            return (try before[0].decode("failed_at") as Date?, try after[0].decode("failed_at") as Date?)
        }
        #expect(before == nil)
        #expect(after == nil, "the second read must see the snapshot of the first")
        let job = try #require(try await store.job(jobID))
        #expect(job.status == .failed && job.failedAt != nil && job.images[0].failedAt != nil)
    }

    @Test func jobLifecycleIsIdempotentPerImage() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let store = PostgresJobStore(database: db.pool)
        let storage = PostgresImageStorage(database: db.pool)
        let jobID = UUID()
        let first = UUID()
        let second = UUID()
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.create(
            jobID: jobID,
            images: [
                (first, ImageSpec(url: "http://a/1", width: 10, height: nil)),
                (second, ImageSpec(url: "http://a/2", width: nil, height: 7, fit: .inside, format: .png)),
            ],
            at: created)
        var job = try #require(try await store.job(jobID))
        #expect(job.status == .pending)
        #expect(job.images.map(\.id) == [first, second])
        #expect(job.images[1].spec.format == .png)

        let etag = try await storage.put(key: first.uuidString, data: Data([1, 2, 3]), contentType: "image/jpeg")
        let output = ImageOutput(width: 10, height: 5, bytes: 3, contentType: "image/jpeg", storageKey: first.uuidString)
        #expect(try await store.record(outcome(jobID, first, at: created), output: output) == .recorded(jobFinished: false))
        #expect(try await store.record(outcome(jobID, first, at: created), output: output) == .duplicate)
        #expect(try await store.record(outcome(jobID, UUID()), output: nil) == .unknownImage)
        #expect(try await store.record(outcome(jobID, second, failed: true, at: created), output: nil) == .recorded(jobFinished: true))
        #expect(try await store.record(outcome(jobID, second, at: created), output: output) == .duplicate)

        job = try #require(try await store.job(jobID))
        #expect(job.status == .partial)
        #expect(job.completedAt != nil)
        #expect(job.images[0].output == output)
        #expect(job.images[1].error?.code == "http_status")
        #expect(job.images[1].failedAt != nil)
        #expect(
            try await storage.get(key: first.uuidString)
                == StoredImage(
                    data: Data([1, 2, 3]), contentType: "image/jpeg", etag: etag,
                    createdAt: try #require(try await storage.get(key: first.uuidString)).createdAt))

        let view = JobView(job)
        #expect(view.durationMs == 250)
        #expect(view.images[0].processingMs == 250)
        #expect(view.images[0].result?.url == "/jobs/\(jobID.uuidString.lowercased())/images/\(first.uuidString.lowercased())")
    }

    @Test func allFailedSetsFailedAtAndListsFilterByStatus() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let store = PostgresJobStore(database: db.pool)
        let failedJob = UUID()
        let failedImage = UUID()
        let pendingJob = UUID()
        try await store.create(jobID: failedJob, images: [(failedImage, ImageSpec(url: "http://a/1", width: 1, height: nil))], at: Date())
        try await store.create(jobID: pendingJob, images: [(UUID(), ImageSpec(url: "http://a/2", width: 1, height: nil))], at: Date())
        _ = try await store.record(outcome(failedJob, failedImage, failed: true), output: nil)
        let failed = try #require(try await store.job(failedJob))
        #expect(failed.status == .failed && failed.failedAt != nil && failed.completedAt == nil)
        #expect(try await store.jobs(JobQuery(status: .failed)).map(\.id) == [failedJob])
        #expect(try await store.jobs(JobQuery(status: .pending)).map(\.id) == [pendingJob])
        #expect(try await store.jobs(JobQuery(limit: 1)).count == 1)
        let stats = try await store.stats(window: 3600, now: Date())
        #expect(stats.jobs == JobStats.Counts(total: 2, pending: 1, completed: 0, failed: 1, partial: 0))
        #expect(stats.images.failed == 1)
        try await store.delete(jobID: pendingJob)
        #expect(try await store.job(pendingJob) == nil)
    }
}
