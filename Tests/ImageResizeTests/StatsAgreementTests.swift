import Foundation
import HTTPServer
import Postgres
import Primitives
import TestSupport
import Testing

@testable import ImageResize

/// On the real PostgreSQL: the SQL behind `/stats` and the project's one
/// percentile function (`Primitives.Percentiles`, nearest rank) give the same
/// figures for the same data, and the in-memory store the API unit tests use
/// answers `/stats` byte for byte as `PostgresJobStore` does.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct StatsAgreementTests {
    static func figures(_ row: PostgresRow) throws -> JobStats.Percentiles {
        JobStats.Percentiles(
            p50: try row.decode("p50"), p90: try row.decode("p90"), p95: try row.decode("p95"),
            p99: try row.decode("p99"), max: try row.decode("max"))
    }

    /// Small samples with ties, n = 1 and 2, and values that are not round.
    static let samples: [[Double]] = {
        let fixed: [[Double]] = [
            [7], [4, 2], [2, 4, 4], [5, 5, 5, 1], [2, 2, 2, 2, 9], (1...20).map(Double.init),
            [0.1, 0.2, 0.30000000000000004, 1e-9, 123.456],
        ]
        let swept: [[Double]] = (3...60).map { (n: Int) -> [Double] in (0..<n).map { (i: Int) -> Double in Double((i * 37 + n) % 11) * 12.5 } }
        return fixed + swept
    }()

    @Test func statsSQLAndSwiftAgreeOnSamples() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        for sample in Self.samples {
            let values = sample.map { "(\($0)::float8)" }.joined(separator: ",")
            let rows = try await db.pool.query("SELECT \(PostgresJobStore.percentiles("x")) FROM (VALUES \(values)) AS t(x)")
            #expect(try Self.figures(rows[0]) == JobStats.Percentiles(of: sample), "\(sample)")
        }
    }

    /// The rank PostgreSQL's `percentile_disc` picks is the Swift rank for
    /// every sample size up to 1000 (PostgreSQL computes it in floating point).
    @Test func statsSQLPicksTheSwiftRankForEverySize() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let rows = try await db.pool.query(
            """
            SELECT n, \(PostgresJobStore.percentiles("x::float8"))
            FROM generate_series(1, 1000) AS n CROSS JOIN LATERAL generate_series(1, n) AS x
            GROUP BY n ORDER BY n
            """)
        #expect(rows.count == 1000)
        var mismatches: [String] = []
        for row in rows {
            let n: Int = try row.decode("n")
            let sql = try Self.figures(row)
            let swift = JobStats.Percentiles(
                p50: Percentiles.rank(percent: 50, count: n).map(Double.init),
                p90: Percentiles.rank(percent: 90, count: n).map(Double.init),
                p95: Percentiles.rank(percent: 95, count: n).map(Double.init),
                p99: Percentiles.rank(percent: 99, count: n).map(Double.init), max: Double(n))
            if sql != swift { mismatches.append("n=\(n): SQL \(sql), Swift \(swift)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// One script of jobs (waits and processing times with ties, failures,
    /// unfinished images) written to both stores: `GET /stats` answers the same
    /// bytes, and the figures are the Swift percentiles of the durations.
    @Test func statsRouteAgreesBetweenPostgresAndMemory() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let postgres = PostgresJobStore(database: db.pool)
        let memory = InMemoryJobStore()
        // Whole seconds plus whole milliseconds: exact in microseconds in both stores.
        let base = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 1000)
        var waits: [Double] = []
        var processing: [Double] = []
        var jobTimes: [Double] = []
        for index in 0..<25 {
            let jobID = UUID()
            let created = base.addingTimeInterval(Double(index))
            let images = (0..<(index % 3 + 1)).map { (id: UUID(), spec: ImageSpec(url: "http://a/\(index)/\($0)", width: 10, height: nil)) }
            for store in [postgres, memory] as [any JobStore] { try await store.create(jobID: jobID, images: images, at: created) }
            guard index % 7 != 6 else { continue } // left pending
            var finished = 0 // the job finishes when its last recorded image does
            for (position, image) in images.enumerated() {
                let waitMs = [100, 250, 250, 400, 1000][(index + position) % 5]
                let processMs = [300, 300, 120, 2000][index % 4] + position
                let started = created.addingTimeInterval(Double(waitMs) / 1000)
                let outcome = ResizeOutcome(
                    jobID: jobID, imageID: image.id, startedAt: started,
                    finishedAt: started.addingTimeInterval(Double(processMs) / 1000),
                    error: (index + position) % 4 == 3 ? ImageFailure(code: "timeout", message: "slow") : nil)
                for store in [postgres, memory] as [any JobStore] { _ = try await store.record(outcome, output: nil) }
                waits.append(Double(waitMs))
                processing.append(Double(processMs))
                finished = waitMs + processMs
            }
            jobTimes.append(Double(finished))
        }

        let memoryStats = try await memory.stats(window: 3600, now: Date())
        #expect(memoryStats.waitingMs == JobStats.Percentiles(of: waits))
        #expect(memoryStats.processingMs == JobStats.Percentiles(of: processing))
        #expect(memoryStats.jobMs == JobStats.Percentiles(of: jobTimes))
        #expect(try await postgres.stats(window: 3600, now: Date()) == memoryStats)

        func stats(_ store: any JobStore) async -> HTTPResponse {
            let api = WebAPI(
                config: ServiceConfig(), store: store, storage: InMemoryImageStorage(), publisher: RecordingPublisher(),
                waiter: JobWaiter(), logger: WebAPIHarness.quiet)
            return await api.router().respond(to: HTTPRequest(method: .get, target: "/stats?window=3600"))
        }
        let fromPostgres = await stats(postgres)
        let fromMemory = await stats(memory)
        #expect(fromPostgres.status.code == 200)
        #expect(String(decoding: fromPostgres.body, as: UTF8.self) == String(decoding: fromMemory.body, as: UTF8.self))
    }

    /// Issue 11 item 1, where it trapped: the cursor reaches the database only
    /// when its timestamp is one PostgreSQL and the conversion can hold.
    @Test func extremeCursorsAreRefusedBeforeTheDatabase() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let api = WebAPI(
            config: ServiceConfig(), store: PostgresJobStore(database: db.pool), storage: InMemoryImageStorage(),
            publisher: RecordingPublisher(), waiter: JobWaiter(), logger: WebAPIHarness.quiet
        ).router()
        for (micros, status) in [("9223372036854775807", 422), ("-9223372036854775808", 422), ("253402300799999999", 200), ("0", 200)] {
            let response = await api.respond(to: HTTPRequest(method: .get, target: "/jobs?cursor=\(micros)_00000000-0000-0000-0000-000000000000"))
            #expect(response.status.code == status, "\(micros)")
        }
    }
}
