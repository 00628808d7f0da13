import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct TransactionTests {
    struct Boom: Error {}

    @Test func commitsWhenTheBodyReturns() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE t (v int)")
            let value = try await db.transaction { tx in
                try await tx.execute("INSERT INTO t VALUES (1), (2)")
                return try await tx.query("SELECT sum(v)::bigint AS s FROM t")[0].int("s")
            }
            #expect(value == 3)
            #expect(try await db.query("SELECT count(*) AS n FROM t")[0].int("n") == 2)
        }
    }

    @Test func rollsBackWhenTheBodyThrows() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE t (v int)")
            await #expect(throws: Boom.self) {
                try await db.transaction { tx in
                    try await tx.execute("INSERT INTO t VALUES (1)")
                    throw Boom()
                }
            }
            #expect(try await db.query("SELECT count(*) AS n FROM t")[0].int("n") == 0)
            // And the connection is out of the transaction: its next write
            // is visible to another connection at once.
            try await db.execute("INSERT INTO t VALUES (2)")
            let other = try await PostgresConnection.connect(url: url)
            defer { other.close() }
            #expect(try await other.query("SELECT count(*) AS n FROM t")[0].int("n") == 1)
        }
    }

    @Test func aCaughtStatementErrorStillFailsTheCommit() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE t (v int PRIMARY KEY)")
            await #expect {
                try await db.transaction { tx in
                    try await tx.execute("INSERT INTO t VALUES (1)")
                    _ = try? await tx.execute("INSERT INTO t VALUES (1)") // fails, error swallowed
                }
            } throws: { ($0 as? PostgresError)?.sqlState == "25P02" }
            #expect(try await db.query("SELECT count(*) AS n FROM t")[0].int("n") == 0)
        }
    }

    @Test func transactionsOnOneConnectionDoNotInterleave() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE counter (n int); INSERT INTO counter VALUES (0)")
            // Read-modify-write without row locks: only correct if each
            // transaction has the connection to itself.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await db.transaction { tx in
                            let n = try await tx.query("SELECT n FROM counter")[0].int("n")
                            await Task.yield()
                            try await tx.execute("UPDATE counter SET n = $1", [.int(n + 1)])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await db.query("SELECT n FROM counter")[0].int("n") == 20)
        }
    }

    @Test func transactionsDoNotNest() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        await #expect { try await db.transaction { tx in try await tx.transaction { _ in 1 } } } throws: {
            ($0 as? PostgresError)?.sqlState == "25001"
        }
    }

    @Test func usingTheConnectionInsideItsOwnTransactionThrowsInsteadOfHanging() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        await #expect {
            try await db.transaction { _ in try await db.query("SELECT 1") }
        } throws: { ($0 as? PostgresError)?.kind == .misuse }
        // Other tasks simply wait their turn.
        #expect(try await db.query("SELECT 1 AS one")[0].int("one") == 1)
    }
}
