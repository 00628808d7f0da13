import Foundation
import TestSupport

@testable import Postgres

/// The real PostgreSQL the tests run against, and a private schema per test
/// so tests can run in parallel and leave nothing behind.
enum TestDatabase {
    static var url: String {
        ProcessInfo.processInfo.environment["IMAGERESIZE_TEST_DATABASE_URL"]
            ?? "postgres://postgres@localhost:5432/imageresize"
    }

    /// `url` with extra libpq parameters (already percent-encoded).
    static func url(_ base: String = url, adding parameters: String) -> String {
        base + (base.contains("?") ? "&" : "?") + parameters
    }

    /// Runs `body` with a URL whose connections use a fresh, empty schema.
    static func withSchema<T>(_ body: (String) async throws -> T) async throws -> T {
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try await PostgresConnection.connect(url: url)
        defer { admin.close() }
        try await admin.executeScript("CREATE SCHEMA \(schema)")
        do {
            let result = try await body(url(adding: "options=-csearch_path%3D\(schema)"))
            try await admin.executeScript("DROP SCHEMA \(schema) CASCADE")
            return result
        } catch {
            try? await admin.executeScript("DROP SCHEMA \(schema) CASCADE")
            throw error
        }
    }

    /// Terminates a server backend, as a crash or failover would.
    static func terminate(pid: Int) async throws {
        let admin = try await PostgresConnection.connect(url: url)
        defer { admin.close() }
        let rows = try await admin.query("SELECT pg_terminate_backend($1::int) AS done", [.int(pid)])
        let done = try rows[0].bool("done")
        precondition(done, "backend \(pid) was not terminated")
    }

    /// Waits until backend `pid` is running a statement matching `pattern`.
    static func waitUntilActive(pid: Int, matching pattern: String) async throws {
        let admin = try await PostgresConnection.connect(url: url)
        defer { admin.close() }
        try await waitUntil("backend \(pid) to run \(pattern)", timeout: .seconds(10), every: .milliseconds(10)) {
            let rows = try await admin.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int AND state = 'active' AND query LIKE $2",
                [.int(pid), .string(pattern)])
            return try rows[0].int("n") == 1
        }
    }
}
