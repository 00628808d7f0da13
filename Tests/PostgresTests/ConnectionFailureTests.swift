import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct ConnectionFailureTests {
    @Test func aServerThatIsNotThereGivesAClearError() async throws {
        await #expect {
            _ = try await PostgresConnection.connect(url: "postgres://alice:hunter2@localhost:5499/imageresize")
        } throws: { error in
            let error = error as? PostgresError
            let text = error?.description ?? ""
            return error?.kind == .connectionFailed
                && text.hasPrefix("cannot connect to postgres://alice@localhost:5499/imageresize: ")
                && text.lowercased().contains("connection refused")
                && text.hasSuffix("is PostgreSQL running? set DATABASE_URL")
                && !text.contains("hunter2")
        }
    }

    @Test func aMalformedURLIsAConfigurationError() async throws {
        await #expect {
            _ = try await PostgresConnection.connect(url: "postgres://localhost:notaport/db")
        } throws: { ($0 as? PostgresError)?.kind == .invalidConfiguration || ($0 as? PostgresError)?.kind == .connectionFailed }
    }

    @Test func anIdempotentQueryIsRetriedWhenTheConnectionDrops() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let pid = try await db.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
        let result = Task { try await db.query("SELECT pg_sleep(1), pg_backend_pid() AS pid", [], idempotent: true) }
        try await TestDatabase.waitUntilActive(pid: pid, matching: "SELECT pg_sleep(1)%")
        try await TestDatabase.terminate(pid: pid)
        let newPID = try await result.value[0].int("pid")
        #expect(newPID != pid)
    }

    @Test func aNonIdempotentQueryReportsTheLossAndTheNextOneReconnects() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let pid = try await db.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
        let result = Task { try await db.query("SELECT pg_sleep(5), pg_backend_pid() AS pid") }
        try await TestDatabase.waitUntilActive(pid: pid, matching: "SELECT pg_sleep(5)%")
        try await TestDatabase.terminate(pid: pid)
        await #expect { _ = try await result.value } throws: { error in
            let error = error as? PostgresError
            return error?.kind == .connectionLost && error?.description.contains("may or may not have been applied") == true
        }
        let newPID = try await db.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
        #expect(newPID != pid)
    }

    @Test func anIdleDroppedConnectionReconnectsOnNextUse() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let pid = try await db.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
        try await TestDatabase.terminate(pid: pid)
        let newPID = try await db.query("SELECT pg_backend_pid() AS pid", [], idempotent: true)[0].int("pid")
        #expect(newPID != pid)
    }

    @Test func aTransactionWhoseConnectionDropsFailsInsteadOfContinuingOutsideIt() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE t (v int)")
            await #expect {
                try await db.transaction { tx in
                    try await tx.execute("INSERT INTO t VALUES (1)")
                    let pid = try await tx.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
                    try await TestDatabase.terminate(pid: pid)
                    _ = try? await tx.query("SELECT 1") // notices the loss
                    try await tx.execute("INSERT INTO t VALUES (2)")
                }
            } throws: { ($0 as? PostgresError)?.kind == .connectionLost }
            #expect(try await db.query("SELECT count(*) AS n FROM t", [], idempotent: true)[0].int("n") == 0)
        }
    }
}
