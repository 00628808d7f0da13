/// Exclusive use of one connection, handed to `withSession` and
/// `transaction` bodies. Do not keep it past the body.
public struct PostgresSession: PostgresQuerying {
    let connection: PostgresConnection
    /// Set inside a transaction: its commands fail rather than run on a new
    /// session if the connection was re-opened meanwhile.
    let generation: Int?

    public func query(_ sql: String, _ parameters: [PostgresValue?], idempotent: Bool) async throws -> PostgresRows {
        try await connection.run(sql, parameters, idempotent: idempotent && generation == nil, generation: generation)
    }

    public func executeScript(_ sql: String) async throws {
        try await connection.runScript(sql, generation: generation)
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK and rethrow when `body` throws.
    /// A COMMIT the server turns into ROLLBACK (a statement failed and its
    /// error was caught) throws too, so no failure passes as success.
    @discardableResult
    public func transaction<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        guard generation == nil else {
            throw PostgresError(kind: .server, message: "transactions do not nest; use SAVEPOINT", sqlState: "25001")
        }
        let inner = PostgresSession(connection: connection, generation: try await connection.begin())
        let result: T
        do {
            result = try await body(inner)
        } catch {
            _ = try? await connection.run("ROLLBACK", [], idempotent: false, generation: inner.generation)
            throw error
        }
        let commit = try await connection.run("COMMIT", [], idempotent: false, generation: inner.generation)
        guard commit.commandTag == "COMMIT" else {
            throw PostgresError(
                kind: .server, message: "the transaction was rolled back because a statement in it failed", sqlState: "25P02",
                target: connection.target)
        }
        return result
    }
}
