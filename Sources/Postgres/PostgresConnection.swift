import Foundation
import Logging

/// One PostgreSQL connection, owned by one dedicated thread (libpq blocks;
/// Swift's cooperative pool must not). Async callers queue commands to it.
///
/// Safe to share between tasks: each `query` holds the connection for one
/// statement, `withSession` and `transaction` for a whole sequence. A dropped
/// connection is re-opened by the next command.
public final class PostgresConnection: PostgresQuerying {
    /// The server, without the password: postgres://user@host:port/db.
    public let target: String
    let thread: ConnectionThread
    let lock = AsyncSerialLock()
    let logger: Logger

    private init(target: String, thread: ConnectionThread, logger: Logger) {
        self.target = target
        self.thread = thread
        self.logger = logger
    }

    deinit { thread.stop() }

    /// Opens a connection.
    /// - Parameter url: a postgres:// URL or libpq key=value string, e.g.
    ///   from `DatabaseURL.fromEnvironment()`.
    /// - Throws: `PostgresError` `.invalidConfiguration` or `.connectionFailed`.
    public static func connect(url: String, logger: Logger = Logger(label: "postgres")) async throws -> PostgresConnection {
        try await open(url: url, options: ConnectionThread.Options(), name: "postgres", logger: logger)
    }

    static func open(url: String, options: ConnectionThread.Options, name: String, logger: Logger) async throws -> PostgresConnection {
        let target = try ConnectionTarget.describe(url)
        let conninfo = try ConnectionTarget.withDefaults(url)
        let thread = ConnectionThread(conninfo: conninfo, target: target, name: name, options: options, logger: logger)
        let connection = PostgresConnection(target: target, thread: thread, logger: logger)
        try await thread.perform { connection throws(PostgresError) in try connection.connect() }
        logger.debug("postgres connected", metadata: ["target": "\(target)"])
        return connection
    }

    public func query(_ sql: String, _ parameters: [PostgresValue?], idempotent: Bool) async throws -> PostgresRows {
        try await exclusively { try await run(sql, parameters, idempotent: idempotent, generation: nil) }
    }

    public func executeScript(_ sql: String) async throws {
        try await exclusively { try await runScript(sql, generation: nil) }
    }

    /// Exclusive use of the connection for a sequence of commands that
    /// belong together but are not one transaction (session advisory locks).
    @discardableResult
    public func withSession<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await exclusively { try await body(PostgresSession(connection: self, generation: nil)) }
    }

    /// Runs `body` in BEGIN ... COMMIT; ROLLBACK when it throws. Inside,
    /// use the session passed in: the connection itself is held until the
    /// body returns (calling it throws rather than waiting forever).
    @discardableResult
    public func transaction<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await withSession { session in try await session.transaction(body) }
    }

    /// Connections the current task holds through a session: using one of
    /// them directly would wait for itself.
    @TaskLocal static var held: Set<ObjectIdentifier> = []

    private func exclusively<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        let id = ObjectIdentifier(self)
        guard !Self.held.contains(id) else {
            throw PostgresError(
                kind: .misuse,
                message: "this task already holds the connection in a transaction or session; run the statement on the session passed to the closure")
        }
        return try await withSerialLock(lock) {
            try await Self.$held.withValue(Self.held.union([id])) { try await body() }
        }
    }

    /// Closes the connection after the commands already queued.
    public func close() {
        thread.stop()
    }

    /// Runs a statement on the owning thread. `generation` pins it to the
    /// session a transaction began on.
    func run(_ sql: String, _ parameters: [PostgresValue?], idempotent: Bool, generation: Int?) async throws -> PostgresRows {
        let logger = logger
        return try await thread.perform { connection throws(PostgresError) in
            try Self.checkSession(connection, generation: generation)
            do throws(PostgresError) {
                return try connection.exec(sql, parameters)
            } catch let error where error.kind == .connectionLost && idempotent && generation == nil {
                logger.warning("postgres connection lost; reconnecting and retrying", metadata: ["error": "\(error.message)"])
                try connection.connect()
                return try connection.exec(sql, parameters)
            }
        }
    }

    func runScript(_ sql: String, generation: Int?) async throws {
        _ = try await thread.perform { connection throws(PostgresError) in
            try Self.checkSession(connection, generation: generation)
            return try connection.execScript(sql)
        }
    }

    /// BEGIN, reconnecting first if needed; returns the session generation
    /// the transaction lives on.
    func begin() async throws -> Int {
        try await thread.perform { connection throws(PostgresError) in
            try connection.ensureConnected()
            do throws(PostgresError) {
                _ = try connection.exec("BEGIN", [])
            } catch let error where error.kind == .connectionLost {
                try connection.connect() // nothing was done yet: safe to retry
                _ = try connection.exec("BEGIN", [])
            }
            return connection.generation
        }
    }

    private static func checkSession(_ connection: LibPQConnection, generation: Int?) throws(PostgresError) {
        if let generation {
            guard connection.isConnected, connection.generation == generation else {
                throw PostgresError(
                    kind: .connectionLost, message: "the connection dropped during the transaction, which the server rolled back",
                    target: connection.target)
            }
        } else {
            try connection.ensureConnected()
        }
    }
}
