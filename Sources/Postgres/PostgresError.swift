/// A failure talking to PostgreSQL, with the server's SQLSTATE when there is
/// one, so callers can branch on it (`23505` unique violation, `40001`
/// serialization failure) and users read what to do.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Could not open a connection (server down, wrong URL, bad password).
        case connectionFailed
        /// The connection broke while a command was in flight: it may or may
        /// not have been applied. The connection resets itself for the next command.
        case connectionLost
        /// The server rejected a command: see `sqlState`.
        case server
        /// A column was missing, NULL, or not of the requested type.
        case decoding
        /// The connection or pool was closed.
        case closed
        /// The DATABASE_URL could not be parsed or is missing.
        case invalidConfiguration
        /// A migration list is malformed or disagrees with the database.
        case invalidMigration
        /// The API was used in a way that cannot work (see the message).
        case misuse
    }

    public var kind: Kind
    /// Five-character SQLSTATE, e.g. "23505", for `.server` errors.
    public var sqlState: String?
    /// The primary message (libpq's or the server's).
    public var message: String
    public var detail: String?
    public var hint: String?
    /// Where we were connecting, without the password: postgres://user@host:port/db.
    public var target: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, target: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.target = target
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// Serialization failures and deadlocks: the transaction may be retried.
    public var isRetryableTransactionFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        let where_ = target ?? "the database"
        switch kind {
        case .connectionFailed:
            return "cannot connect to \(where_): \(message); is PostgreSQL running? set DATABASE_URL"
        case .connectionLost:
            return "lost the connection to \(where_): \(message); the command may or may not have been applied"
        case .server:
            var text = "postgres error \(sqlState ?? "?????"): \(message)"
            if let detail { text += " (\(detail))" }
            if let hint { text += "; hint: \(hint)" }
            return text
        case .decoding, .invalidMigration, .misuse:
            return message
        case .closed:
            return "the connection to \(where_) is closed: \(message)"
        case .invalidConfiguration:
            return "\(message); set DATABASE_URL to a URL like postgres://user:password@localhost:5432/dbname"
        }
    }
}
