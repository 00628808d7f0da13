/// One schema change. Versions order migrations and never change once
/// deployed; add a new migration instead of editing an old one.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    /// One or more statements, run in the migration's transaction.
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies migrations in version order, each in its own transaction,
/// recording them in `schema_migrations`. Running it again applies only new
/// ones; a session advisory lock makes processes that start together (web
/// and workers after a deploy) take turns instead of racing.
public struct Migrator: Sendable {
    public let migrations: [Migration]
    /// The advisory lock key; the default is fixed for this project.
    public let lockKey: Int

    public static let defaultLockKey = 0x6D73_6766_6C6F_0001 // "msgflo" 1

    public init(_ migrations: [Migration], lockKey: Int = Migrator.defaultLockKey) {
        self.migrations = migrations
        self.lockKey = lockKey
    }

    /// Applies pending migrations; returns the ones applied by this call.
    /// - Throws: `PostgresError` `.invalidMigration` for duplicate or
    ///   unordered versions or a recorded name that differs; the failing
    ///   migration's server error otherwise (nothing of it is applied).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) async throws -> [Migration] {
        try validate()
        return try await connection.withSession { session in
            _ = try await session.query("SELECT pg_advisory_lock($1)", [.int(lockKey)])
            do {
                let applied = try await applyPending(session)
                _ = try await session.query("SELECT pg_advisory_unlock($1)", [.int(lockKey)])
                return applied
            } catch {
                _ = try? await session.query("SELECT pg_advisory_unlock($1)", [.int(lockKey)])
                throw error
            }
        }
    }

    /// Applies pending migrations on one of the pool's connections.
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [Migration] {
        try await pool.withConnection { try await migrate($0) }
    }

    /// Versions recorded as applied, in order.
    public static func appliedVersions(_ database: some PostgresQuerying) async throws -> [Int] {
        let exists = try await database.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present", [], idempotent: true)
        guard try exists[0].bool("present") else { return [] }
        return try await database.query("SELECT version FROM schema_migrations ORDER BY version", [], idempotent: true)
            .map { try $0.int("version") }
    }

    func validate() throws {
        for (previous, next) in zip(migrations, migrations.dropFirst()) where next.version <= previous.version {
            throw PostgresError(
                kind: .invalidMigration,
                message: "migration versions must increase: \(next.version) \"\(next.name)\" follows \(previous.version) \"\(previous.name)\"")
        }
    }

    private func applyPending(_ session: PostgresSession) async throws -> [Migration] {
        try await session.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let rows = try await session.query("SELECT version, name FROM schema_migrations")
        var recorded: [Int: String] = [:]
        for row in rows { recorded[try row.int("version")] = try row.string("name") }
        var applied: [Migration] = []
        for migration in migrations {
            if let name = recorded[migration.version] {
                guard name == migration.name else {
                    throw PostgresError(
                        kind: .invalidMigration,
                        message:
                            "migration \(migration.version) is recorded as \"\(name)\" but the code calls it \"\(migration.name)\"; never renumber or replace an applied migration"
                    )
                }
                continue
            }
            do {
                try await session.transaction { transaction in
                    try await transaction.executeScript(migration.sql)
                    try await transaction.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                        [.int(migration.version), .string(migration.name)])
                }
            } catch var error as PostgresError {
                error.message = "migration \(migration.version) \"\(migration.name)\" failed: \(error.message)"
                throw error
            }
            applied.append(migration)
        }
        return applied
    }
}
