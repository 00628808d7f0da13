/// Anything that runs SQL: a connection, a session or transaction on one, or
/// a pool. Code written against it (a job store) works with all of them.
public protocol PostgresQuerying: Sendable {
    /// Runs one statement with parameters ($1, $2... never spliced into the SQL).
    /// - Parameter idempotent: when true and the connection drops, it is
    ///   re-opened and the statement retried once. Leave false for writes
    ///   that must not happen twice.
    func query(_ sql: String, _ parameters: [PostgresValue?], idempotent: Bool) async throws -> PostgresRows
    /// Runs several statements without parameters (simple query protocol):
    /// for migrations and other trusted, constant SQL only.
    func executeScript(_ sql: String) async throws
}

extension PostgresQuerying {
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        try await query(sql, parameters, idempotent: false)
    }

    /// Runs a statement for its effect; returns the affected row count.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = [], idempotent: Bool = false) async throws -> Int {
        try await query(sql, parameters, idempotent: idempotent).affectedRows
    }

    /// Sends a NOTIFY (delivered when the surrounding transaction commits).
    public func notify(channel: String, payload: String = "") async throws {
        _ = try await query("SELECT pg_notify($1::text, $2::text)", [.string(channel), .string(payload)], idempotent: false)
    }
}
