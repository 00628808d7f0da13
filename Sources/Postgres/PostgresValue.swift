import Foundation

/// A query parameter. Sent separately from the SQL text (PQexecParams), so
/// values are never spliced into SQL: no injection, no quoting bugs.
/// `nil` in a parameter array is SQL NULL.
public enum PostgresValue: Sendable, Hashable {
    /// Sent untyped, so the server infers the type from context: fits text,
    /// varchar, enums, and uuid or date columns given as text. Write `$1::text`
    /// where nothing gives a context (`SELECT $1`).
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case uuid(UUID)
    /// A `timestamptz`, to the microsecond.
    case date(Date)
    /// A `bytea`, sent in binary.
    case bytes(Data)
    /// A `jsonb` document, as JSON text.
    case jsonb(String)

    /// A `jsonb` parameter from any Encodable value.
    public static func jsonb<T: Encodable>(encoding value: T, encoder: JSONEncoder = JSONEncoder()) throws -> PostgresValue {
        .jsonb(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// PostgreSQL type OIDs, from pg_type.
public enum PostgresType {
    public static let unknown: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let varchar: UInt32 = 1043
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802
}

extension PostgresValue {
    /// How the value goes over the wire: type OID, format (0 text, 1 binary), bytes.
    var wire: (type: UInt32, format: Int32, bytes: [UInt8]) {
        switch self {
        case .string(let value): (PostgresType.unknown, 0, Array(value.utf8))
        case .int(let value): (PostgresType.int8, 0, Array(String(value).utf8))
        case .double(let value): (PostgresType.float8, 0, Array(Self.text(value).utf8))
        case .bool(let value): (PostgresType.bool, 0, Array((value ? "t" : "f").utf8))
        case .uuid(let value): (PostgresType.uuid, 0, Array(value.uuidString.utf8))
        case .date(let value): (PostgresType.timestamptz, 0, Array(PostgresTimestamp.format(value).utf8))
        case .bytes(let value): (PostgresType.bytea, 1, Array(value))
        case .jsonb(let value): (PostgresType.jsonb, 0, Array(value.utf8))
        }
    }

    private static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return "\(value)"
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
