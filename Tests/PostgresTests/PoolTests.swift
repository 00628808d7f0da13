import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct PoolTests {
    @Test func manyTasksShareAFewConnections() async throws {
        try await TestDatabase.withSchema { url in
            let pool = try await PostgresPool.connect(url: url, size: 3)
            defer { pool.close() }
            try await pool.executeScript("CREATE TABLE hits (pid int, n int)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        try await pool.execute("INSERT INTO hits SELECT pg_backend_pid(), $1", [.int(n)])
                    }
                }
                try await group.waitForAll()
            }
            let row = try await pool.query("SELECT count(*) AS n, count(DISTINCT pid) AS pids, sum(n)::bigint AS total FROM hits")[0]
            #expect(try row.int("n") == 40)
            #expect(try row.int("total") == (0..<40).reduce(0, +))
            #expect((1...3).contains(try row.int("pids")))
        }
    }

    @Test func holdersAtTheSameTimeGetDifferentConnections() async throws {
        let pool = try await PostgresPool.connect(url: TestDatabase.url, size: 2)
        defer { pool.close() }
        let barrier = Barrier(parties: 2)
        let pids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await pool.withConnection { connection in
                        // Both hold a connection here at once.
                        await barrier.arrive()
                        return try await connection.query("SELECT pg_backend_pid() AS pid")[0].int("pid")
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(pids.count == 2)
    }

    @Test func transactionsThroughThePool() async throws {
        try await TestDatabase.withSchema { url in
            let pool = try await PostgresPool.connect(url: url, size: 2)
            defer { pool.close() }
            try await pool.executeScript("CREATE TABLE t (v int)")
            await #expect(throws: CancellationError.self) {
                try await pool.transaction { tx in
                    try await tx.execute("INSERT INTO t VALUES (1)")
                    throw CancellationError()
                }
            }
            try await pool.transaction { tx in try await tx.execute("INSERT INTO t VALUES (2)") }
            #expect(try await pool.query("SELECT array_agg(v)::text AS vs FROM t")[0].string("vs") == "{2}")
        }
    }

    @Test func aClosedPoolRefusesWork() async throws {
        let pool = try await PostgresPool.connect(url: TestDatabase.url, size: 1)
        pool.close()
        await #expect { try await pool.query("SELECT 1") } throws: { ($0 as? PostgresError)?.kind == .closed }
    }
}

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct PoolCancellationTests {
    @Test func aCancelledWaiterLeavesThePoolWorking() async throws {
        let pool = try await PostgresPool.connect(url: TestDatabase.url, size: 1)
        defer { pool.close() }
        try await pool.withConnection { _ in
            // The only connection is held here, so the waiter cannot get one.
            let waiter = Task { try await pool.query("SELECT 1 AS one") }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
        }
        #expect(try await pool.query("SELECT 1 AS one")[0].int("one") == 1)
    }
}

/// Lets `parties` tasks through together, once all have arrived.
actor Barrier {
    private let parties: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arrive() async {
        if waiting.count + 1 == parties {
            waiting.forEach { $0.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
