import Foundation
import Testing

@testable import ImageResize

/// A job is created in one statement: its SQL and parameters, and on the real
/// PostgreSQL every image stored in order with its spec, for job sizes around
/// the one-statement limit.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct JobInsertStatementTests {
    static func images(_ count: Int) -> [(id: UUID, spec: ImageSpec)] {
        (0..<count).map { index in
            let spec = ImageSpec(
                url: "http://a/\(index)?q='x\"y", width: index % 2 == 0 ? 10 + index : nil, height: index % 3 == 0 ? nil : 7, fit: .cover)
            return (UUID(), spec)
        }
    }

    @Test(arguments: [0, 1, 3, 40])
    func shape(count: Int) {
        let statement = JobInsertStatement(jobID: UUID(), images: Self.images(count), at: Date())
        #expect(statement.parameters.count == 3 + count * JobInsertStatement.perImage)
        #expect(statement.sql.components(separatedBy: ", $1, $2)").count - 1 == count)
        #expect(statement.sql.hasPrefix(count == 0 ? "INSERT INTO jobs" : "WITH job AS (INSERT INTO jobs"))
        // The highest placeholder is the last parameter: none unbound, none unused.
        #expect(statement.sql.contains("$\(statement.parameters.count)"))
        #expect(!statement.sql.contains("$\(statement.parameters.count + 1)"))
    }

    @Test(arguments: [1, 40, JobInsertStatement.maxImages, JobInsertStatement.maxImages + 1, 2 * JobInsertStatement.maxImages + 5])
    func storesEveryImageInOrder(count: Int) async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let store = PostgresJobStore(database: db.pool)
        let jobID = UUID()
        let images = Self.images(count)
        try await store.create(jobID: jobID, images: images, at: Date())
        let job = try #require(try await store.job(jobID))
        #expect(job.images.count == count)
        #expect(job.images.map(\.id) == images.map(\.id))
        #expect(job.images.map(\.spec) == images.map(\.spec))
        #expect(job.status == .pending)
    }
}
