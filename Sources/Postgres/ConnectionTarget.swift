import CLibPQ

/// Reads a libpq connection string (a postgres:// URL or key=value pairs) to
/// name the server in messages without leaking the password.
enum ConnectionTarget {
    /// "postgres://user@host:port/dbname", from libpq's own parser, so it
    /// reads URLs exactly as the connection will.
    static func describe(_ conninfo: String) throws(PostgresError) -> String {
        let values = try parse(conninfo)
        let user = values["user"].map { "\($0)@" } ?? ""
        let host = values["host"] ?? values["hostaddr"] ?? "localhost"
        let port = values["port"] ?? "5432"
        let database = values["dbname"] ?? values["user"] ?? ""
        return "postgres://\(user)\(host):\(port)/\(database)"
    }

    /// Adds a connect timeout unless the URL sets one: without it a
    /// connection to a host that drops packets waits for minutes.
    static func withDefaults(_ conninfo: String, connectTimeout: Int = 10) throws(PostgresError) -> String {
        guard try parse(conninfo)["connect_timeout"] == nil else { return conninfo }
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            return conninfo + (conninfo.contains("?") ? "&" : "?") + "connect_timeout=\(connectTimeout)"
        }
        return conninfo + " connect_timeout=\(connectTimeout)"
    }

    private static func parse(_ conninfo: String) throws(PostgresError) -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            var message = "invalid database URL"
            if let errorMessage {
                message += ": " + String(cString: errorMessage).trimmingTrailingNewlines
                PQfreemem(errorMessage)
            }
            throw PostgresError(kind: .invalidConfiguration, message: message)
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" || text.last == " " { text.removeLast() }
        return text
    }
}
