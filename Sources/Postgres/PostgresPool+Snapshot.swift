extension PostgresPool {
    /// Runs reads in one REPEATABLE READ, READ ONLY transaction: every
    /// statement sees the same committed state. Retried once when the
    /// connection dropped or could not be opened (it only reads).
    ///
    /// Why: rows read by two statements outside such a transaction can
    /// straddle another session's commit and disagree with each other.
    public func snapshot<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        func attempt() async throws -> T {
            try await transaction { session in
                try await session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", [])
                return try await body(session)
            }
        }
        do {
            return try await attempt()
        } catch let error as PostgresError where error.kind == .connectionLost || error.kind == .connectionFailed {
            return try await attempt()
        }
    }
}
