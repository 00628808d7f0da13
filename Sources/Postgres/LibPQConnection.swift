import CLibPQ
import Foundation
import Logging

/// One `PGconn`, used only by the thread that created it (libpq connections
/// must never be used by two threads). Every call here blocks.
final class LibPQConnection {
    let conninfo: String
    let target: String
    private(set) var handle: OpaquePointer?
    /// Bumped on every (re)connection: commands of a transaction carry the
    /// generation it began on, so none silently runs on a fresh session.
    private(set) var generation = 0

    /// Receives the server's NOTICEs (libpq would print them to stderr).
    private let notices: NoticeLogger

    init(conninfo: String, target: String, logger: Logger) {
        self.conninfo = conninfo
        self.target = target
        self.notices = NoticeLogger(logger: logger)
    }

    deinit { close() }

    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    var socket: Int32 { handle.map { PQsocket($0) } ?? -1 }

    /// Opens (or re-opens) the connection and sets the session up.
    func connect() throws(PostgresError) {
        close()
        let connection = PQconnectdb(conninfo)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            var message = connection.map { Self.firstLine(PQerrorMessage($0)) } ?? "out of memory"
            // 'connection to server at "localhost" (::1), port 5432 failed: Connection refused'
            // says the target twice; keep the reason.
            if let range = message.range(of: " failed: ") { message = String(message[range.upperBound...]) }
            PQfinish(connection)
            throw PostgresError(kind: .connectionFailed, message: message, target: target)
        }
        handle = connection
        generation += 1
        PQsetNoticeProcessor(
            connection,
            { context, message in
                guard let context, let message else { return }
                Unmanaged<NoticeLogger>.fromOpaque(context).takeUnretainedValue().log(String(cString: message))
            }, Unmanaged.passUnretained(notices).toOpaque())
        // Timestamps come back in UTC and ISO style, whatever the server's defaults.
        _ = try execScript("SET TIME ZONE 'UTC'; SET DateStyle TO 'ISO, MDY'")
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Connects if the connection was lost (or never made).
    func ensureConnected() throws(PostgresError) {
        if !isConnected { try connect() }
    }

    func exec(_ sql: String, _ parameters: [PostgresValue?]) throws(PostgresError) -> PostgresRows {
        guard let handle else { throw lost("not connected") }
        let wire = parameters.map { $0?.wire }
        let types = wire.map { $0?.type ?? 0 }
        let formats = wire.map { $0?.format ?? 0 }
        let lengths = wire.map { Int32($0?.bytes.count ?? 0) }
        // NUL-terminated copies that live until PQexecParams returns.
        let values: [UnsafeMutablePointer<CChar>?] = wire.map { item -> UnsafeMutablePointer<CChar>? in
            guard let bytes = item?.bytes else { return nil }
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(start: copy, count: bytes.count).copyMemory(from: source)
            }
            copy[bytes.count] = 0
            return copy
        }
        defer { values.forEach { $0?.deallocate() } }
        let result = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
            PQexecParams(handle, sql, Int32(parameters.count), types, valuePointers.baseAddress, lengths, formats, 0)
        }
        return try rows(from: result)
    }

    /// Runs one or more statements without parameters (PQexec): migrations, SET.
    func execScript(_ sql: String) throws(PostgresError) -> PostgresRows {
        guard let handle else { throw lost("not connected") }
        return try rows(from: PQexec(handle, sql))
    }

    /// Reads whatever arrived on the socket; false when the connection broke.
    func consumeInput() -> Bool {
        guard let handle else { return false }
        return PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK
    }

    func takeNotifications() -> [PostgresNotification] {
        guard let handle else { return [] }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            notifications.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                    backendPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }

    /// Quotes an identifier (a channel name) the way the server will read it.
    func escapeIdentifier(_ name: String) throws(PostgresError) -> String {
        guard let handle else { throw lost("not connected") }
        guard let escaped = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw PostgresError(kind: .server, message: Self.firstLine(PQerrorMessage(handle)), target: target)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    private func rows(from result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw lost(handle.map { Self.firstLine(PQerrorMessage($0)) } ?? "no result")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Self.copyRows(result)
        default:
            if let handle, PQstatus(handle) != CONNECTION_OK {
                throw lost(Self.firstLine(PQresultErrorMessage(result)))
            }
            throw serverError(result)
        }
    }

    private func lost(_ message: String) -> PostgresError {
        PostgresError(kind: .connectionLost, message: message, target: target)
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        return PostgresError(
            kind: .server,
            message: field("M") ?? Self.firstLine(PQresultErrorMessage(result)),
            sqlState: field("C"), detail: field("D"), hint: field("H"), target: target)
    }

    private static func copyRows(_ result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { column in
            PostgresColumn(name: String(cString: PQfname(result, Int32(column))), typeOID: PQftype(result, Int32(column)))
        }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    cells.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
        }
        let tag = String(cString: PQcmdStatus(result))
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, cells: cells, commandTag: tag, affectedRows: affected)
    }

    static func firstLine(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        let text = String(cString: message)
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.trimmingTrailingNewlines
    }
}

/// Logs server NOTICEs ("relation already exists, skipping") at debug level.
final class NoticeLogger {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
    func log(_ message: String) {
        logger.debug("postgres notice", metadata: ["message": "\(message.trimmingTrailingNewlines)"])
    }
}
