import Foundation
import Postgres

extension PostgresJobStore: ExpiringJobStore {
    /// One query: the oldest jobs (the `created_at` index) with their results' keys.
    public func expiredJobs(before cutoff: Date, limit: Int) async throws -> [ExpiredJob] {
        let rows = try await database.read(
            """
            SELECT j.id, i.storage_key
            FROM (SELECT id, created_at FROM jobs WHERE created_at < $1 ORDER BY created_at LIMIT $2) j
            LEFT JOIN images i ON i.job_id = j.id AND i.storage_key IS NOT NULL
            ORDER BY j.created_at, j.id
            """, [.date(cutoff), .int(max(1, limit))])
        var jobs: [ExpiredJob] = []
        for row in rows {
            let id = try row.uuid("id")
            if jobs.last?.id != id { jobs.append(ExpiredJob(id: id, storageKeys: [])) }
            if let key: String = try row.decode("storage_key") { jobs[jobs.count - 1].storageKeys.append(key) }
        }
        return jobs
    }

    public func deleteOrphanedResults(before cutoff: Date, limit: Int) async throws -> Int {
        try await database.execute(
            """
            DELETE FROM image_blobs WHERE key IN (
                SELECT b.key FROM image_blobs b
                WHERE b.created_at < $1 AND NOT EXISTS (SELECT 1 FROM images i WHERE i.storage_key = b.key)
                ORDER BY b.created_at LIMIT $2)
            """, [.date(cutoff), .int(max(1, limit))], idempotent: true)
    }

    public func deleteJobs(_ ids: [UUID]) async throws -> Int {
        var deleted = 0
        for chunk in ids.chunked(PostgresParameters.maxPerStatement) {
            deleted += try await database.execute(
                "DELETE FROM jobs WHERE id IN (\(PostgresParameters.placeholders(chunk.count)))",
                chunk.map { .uuid($0) }, idempotent: true)
        }
        return deleted
    }
}

extension PostgresImageStorage {
    public func delete(keys: [String]) async throws {
        for chunk in keys.chunked(PostgresParameters.maxPerStatement) {
            try await database.execute(
                "DELETE FROM image_blobs WHERE key IN (\(PostgresParameters.placeholders(chunk.count)))",
                chunk.map { .string($0) }, idempotent: true)
        }
    }
}

/// Lists of values sent as parameters, never spliced into SQL.
enum PostgresParameters {
    /// Far below PostgreSQL's 65535 parameters per statement.
    static let maxPerStatement = 1000

    /// "$1, $2, ..., $n".
    static func placeholders(_ count: Int) -> String {
        (1...max(count, 1)).map { "$\($0)" }.joined(separator: ", ")
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(size, 1)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
