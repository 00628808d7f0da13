import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@testable import ImageResize

/// Retention on the real PostgreSQL: jobs, images and stored bytes older
/// than the retention go, in batches, oldest first; the rest stays.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct PostgresRetentionTests {
    static let quiet = Logger(label: "retention.test") { _ in SwiftLogNoOpLogHandler() }

    @Test func deletesOldJobsImagesAndResultsInBatches() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let store = PostgresJobStore(database: db.pool)
        let storage = PostgresImageStorage(database: db.pool)
        let now = Date()
        var old: [UUID] = []
        var kept: [UUID] = []
        for age in [30.0, 9, 8, 8, 7.01, 6.99, 0] {
            let job = UUID()
            let images = [UUID(), UUID()]
            let created = now.addingTimeInterval(-age * 86_400)
            try await store.create(
                jobID: job, images: images.map { ($0, ImageSpec(url: "http://a/\(age)", width: 10, height: nil)) },
                at: created)
            let made = ResizeOutcome(
                jobID: job, imageID: images[0], startedAt: created, finishedAt: created,
                result: .init(width: 1, height: 1, format: .png, data: Data([1, 2])))
            let failed = ResizeOutcome(
                jobID: job, imageID: images[1], startedAt: created, finishedAt: created,
                error: ImageFailure(code: "http_status", message: "404"))
            _ = try await StoreWorker.keep(made, store: store, storage: storage, logger: Self.quiet)
            _ = try await StoreWorker.keep(failed, store: store, storage: storage, logger: Self.quiet)
            if age > 7 { old.append(job) } else { kept.append(job) }
        }
        func count(_ table: String) async throws -> Int { try await db.pool.query("SELECT count(*) AS n FROM \(table)")[0].int("n") }
        #expect(try await count("image_blobs") == 7)

        let sweeper = RetentionSweeper(
            retention: 7 * 86_400, schedule: RetentionSchedule(batchSize: 2), store: store,
            storage: storage, logger: Self.quiet)
        let firstBatch = try await store.expiredJobs(before: now.addingTimeInterval(-7 * 86_400), limit: 2)
        #expect(firstBatch.map(\.id) == [old[0], old[1]], "oldest first")
        #expect(firstBatch.allSatisfy { $0.storageKeys.count == 1 })
        var batches: [Int] = []
        while batches.count < 10 {
            let deleted = try await sweeper.sweepOnce(now: now)
            batches.append(deleted)
            if deleted == 0 { break }
        }
        #expect(batches == [2, 2, 1, 0])
        #expect(try await count("jobs") == 2)
        #expect(try await count("images") == 4)
        #expect(try await count("image_blobs") == 2)
        let remaining = try await db.pool.query("SELECT id FROM jobs ORDER BY created_at").map { try $0.uuid("id") }
        #expect(remaining == kept)

        // A late result of a deleted job leaves no bytes behind.
        let late = ResizeOutcome(
            jobID: old[0], imageID: UUID(), startedAt: now, finishedAt: now,
            result: .init(width: 1, height: 1, format: .png, data: Data([3])))
        #expect(try await StoreWorker.keep(late, store: store, storage: storage, logger: Self.quiet) == .unknownImage)
        #expect(try await count("image_blobs") == 2)
    }

    /// A store worker that died between storing the bytes and recording them
    /// left bytes no image points at: the sweep deletes them once they are an
    /// hour old, and never the bytes of a recorded image or a fresh orphan.
    @Test func orphanedResultsAreSwept() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let store = PostgresJobStore(database: db.pool)
        let storage = PostgresImageStorage(database: db.pool)
        let job = UUID()
        let image = UUID()
        try await store.create(jobID: job, images: [(image, ImageSpec(url: "http://a/1", width: 10, height: nil))], at: Date())
        let made = ResizeOutcome(
            jobID: job, imageID: image, startedAt: Date(), finishedAt: Date(), result: .init(width: 1, height: 1, format: .png, data: Data([1])))
        _ = try await StoreWorker.keep(made, store: store, storage: storage, logger: Self.quiet)
        _ = try await storage.put(key: "orphan-old", data: Data([2]), contentType: "image/png")
        _ = try await storage.put(key: "orphan-new", data: Data([3]), contentType: "image/png")
        _ = try await db.pool.execute("UPDATE image_blobs SET created_at = now() - interval '2 hours' WHERE key <> 'orphan-new'")

        let sweeper = RetentionSweeper(retention: 7 * 86_400, store: store, storage: storage, logger: Self.quiet)
        #expect(try await sweeper.sweepOnce() == 0, "no job is old enough")
        let keys = try await db.pool.query("SELECT key FROM image_blobs ORDER BY key").map { try $0.decode("key") as String }
        #expect(keys == [image.uuidString.lowercased(), "orphan-new"].sorted())
    }
}
