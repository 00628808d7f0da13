import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct MigratorTests {
    // Deliberately not idempotent (no IF NOT EXISTS): applying one twice fails.
    static let first = [
        Migration(version: 1, name: "create jobs", sql: "CREATE TABLE jobs (id uuid PRIMARY KEY, data jsonb NOT NULL)"),
        Migration(
            version: 2, name: "add created_at",
            sql: """
                ALTER TABLE jobs ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
                CREATE INDEX jobs_created_at ON jobs (created_at);
                """),
    ]

    @Test func appliesInOrderOnceAndThenOnlyNewOnes() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            #expect(try await Migrator.appliedVersions(db) == [])
            #expect(try await Migrator(Self.first).migrate(db).map(\.version) == [1, 2])
            #expect(try await Migrator(Self.first).migrate(db).isEmpty)
            let third = Migration(version: 3, name: "add failed_at", sql: "ALTER TABLE jobs ADD COLUMN failed_at timestamptz")
            #expect(try await Migrator(Self.first + [third]).migrate(db) == [third])
            #expect(try await Migrator.appliedVersions(db) == [1, 2, 3])
            try await db.execute("INSERT INTO jobs (id, data, failed_at) VALUES ($1, $2, NULL)", [.uuid(UUID()), .jsonb("{}")])
        }
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await TestDatabase.withSchema { url in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let db = try await PostgresConnection.connect(url: url)
                        defer { db.close() }
                        return try await Migrator(Self.first).migrate(db).map(\.version)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(applied.sorted() == [1, 2])
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            #expect(try await Migrator.appliedVersions(db) == [1, 2])
        }
    }

    @Test func aFailingMigrationLeavesNoTrace() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            let broken = Migration(version: 3, name: "half done", sql: "CREATE TABLE extra (x int); SELECT no_such_column FROM jobs")
            await #expect {
                try await Migrator(Self.first + [broken]).migrate(db)
            } throws: { error in
                let error = error as? PostgresError
                return error?.sqlState == "42703" && error?.message.hasPrefix("migration 3 \"half done\" failed:") == true
            }
            #expect(try await Migrator.appliedVersions(db) == [1, 2])
            #expect(try await db.query("SELECT to_regclass('extra') IS NULL AS gone")[0].bool("gone"))
            // The advisory lock was released: another migrator is not blocked.
            #expect(try await Migrator(Self.first).migrate(db).isEmpty)
        }
    }

    @Test func rejectsUnorderedVersionsAndRenamedMigrations() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            await #expect { try await Migrator(Self.first.reversed()).migrate(db) } throws: {
                ($0 as? PostgresError)?.kind == .invalidMigration
            }
            try await Migrator(Self.first).migrate(db)
            var renamed = Self.first
            renamed[1].name = "something else"
            await #expect { try await Migrator(renamed).migrate(db) } throws: {
                ($0 as? PostgresError)?.kind == .invalidMigration && "\($0)".contains("recorded as \"add created_at\"")
            }
        }
    }
}
