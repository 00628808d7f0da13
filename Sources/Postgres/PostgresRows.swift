import Foundation

/// A result column: its name and type OID (see `PostgresType`).
public struct PostgresColumn: Sendable, Equatable {
    public var name: String
    public var typeOID: UInt32
}

/// A query's result, copied out of libpq (the PGresult is freed on the
/// connection's thread), so it can be passed anywhere.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [PostgresColumn]
    /// "INSERT 0 1", "SELECT 3", "COMMIT"...
    public let commandTag: String
    /// Rows inserted, updated, deleted or selected (PQcmdTuples), 0 when not reported.
    public let affectedRows: Int
    let storage: Storage

    final class Storage: Sendable {
        let columns: [PostgresColumn]
        let indexByName: [String: Int]
        let cells: [String?]
        init(columns: [PostgresColumn], cells: [String?]) {
            self.columns = columns
            self.cells = cells
            var index: [String: Int] = [:]
            for (position, column) in columns.enumerated() where index[column.name] == nil {
                index[column.name] = position
            }
            self.indexByName = index
        }
    }

    init(columns: [PostgresColumn], cells: [String?], commandTag: String, affectedRows: Int) {
        self.columns = columns
        self.commandTag = commandTag
        self.affectedRows = affectedRows
        self.storage = Storage(columns: columns, cells: cells)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : storage.cells.count / columns.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(storage: storage, row: position) }
}

/// One row, read by column name or position with typed accessors. Accessors
/// throw `PostgresError` (kind `.decoding`) for a missing column, an
/// unexpected NULL, or text of another type; read NULLable columns as
/// optionals: `row.decode("finished_at", as: Date?.self)`.
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let row: Int

    /// The raw text value, nil for NULL.
    public func text(_ column: String) throws -> String? { try cell(try position(column)) }

    public func isNull(_ column: String) throws -> Bool { try text(column) == nil }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(at: try position(column), as: type)
    }

    public func decode<T: PostgresDecodable>(at position: Int, as type: T.Type = T.self) throws -> T {
        guard storage.columns.indices.contains(position) else {
            throw PostgresError(kind: .decoding, message: "no column at position \(position); the result has \(storage.columns.count)")
        }
        let column = storage.columns[position]
        guard let text = try cell(position) else {
            if let null = T.postgresNull { return null }
            throw PostgresError(kind: .decoding, message: "column \"\(column.name)\" is NULL; read it as \(T.self)? to allow NULL")
        }
        guard let value = T.decode(postgresText: text, type: column.typeOID) else {
            throw PostgresError(
                kind: .decoding, message: "column \"\(column.name)\" (type oid \(column.typeOID)) value \"\(text.prefix(80))\" is not a \(T.self)")
        }
        return value
    }

    public func string(_ column: String) throws -> String { try decode(column) }
    public func int(_ column: String) throws -> Int { try decode(column) }
    public func double(_ column: String) throws -> Double { try decode(column) }
    public func bool(_ column: String) throws -> Bool { try decode(column) }
    public func uuid(_ column: String) throws -> UUID { try decode(column) }
    public func date(_ column: String) throws -> Date { try decode(column) }
    /// `bytea` as bytes (or any other column as its UTF-8 text).
    public func bytes(_ column: String) throws -> Data { try decode(column) }
    /// A `json`/`jsonb` column's text.
    public func json(_ column: String) throws -> String { try decode(column) }

    /// Decodes a `json`/`jsonb` column into a Decodable type.
    public func json<T: Decodable>(_ column: String, as type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: bytes(column))
    }

    private func position(_ column: String) throws -> Int {
        guard let position = storage.indexByName[column] else {
            let names = storage.columns.map(\.name).joined(separator: ", ")
            throw PostgresError(kind: .decoding, message: "no column \"\(column)\" in the result; it has: \(names)")
        }
        return position
    }

    private func cell(_ position: Int) throws -> String? {
        storage.cells[row * storage.columns.count + position]
    }
}
