import Foundation

/// A Swift type a column's text value can be read as.
public protocol PostgresDecodable: Sendable {
    /// Reads PostgreSQL's text output for a column of type `type` (an OID).
    /// Returns nil when the text is not a value of this type.
    static func decode(postgresText text: String, type: UInt32) -> Self?
    /// What SQL NULL reads as; nil means NULL is an error for this type.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String, type: UInt32) -> Self? {
        Wrapped.decode(postgresText: text, type: type).map { .some($0) }
    }
    public static var postgresNull: Self? { .some(.none) }
}

extension String: PostgresDecodable {
    public static func decode(postgresText text: String, type: UInt32) -> String? { text }
}

extension Int: PostgresDecodable {
    public static func decode(postgresText text: String, type: UInt32) -> Int? { Int(text) }
}

extension Double: PostgresDecodable {
    public static func decode(postgresText text: String, type: UInt32) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }
}

extension Bool: PostgresDecodable {
    public static func decode(postgresText text: String, type: UInt32) -> Bool? {
        switch text {
        case "t", "true": true
        case "f", "false": false
        default: nil
        }
    }
}

extension UUID: PostgresDecodable {
    public static func decode(postgresText text: String, type: UInt32) -> UUID? { UUID(uuidString: text) }
}

extension Date: PostgresDecodable {
    /// From `timestamptz` (any offset) or `timestamp` (read as UTC).
    public static func decode(postgresText text: String, type: UInt32) -> Date? { PostgresTimestamp.parse(text) }
}

extension Data: PostgresDecodable {
    /// `bytea` arrives hex-encoded ("\x0a1b"); any other type as its UTF-8
    /// text, so a `jsonb` column reads straight into bytes for JSONDecoder.
    public static func decode(postgresText text: String, type: UInt32) -> Data? {
        guard type == PostgresType.bytea else { return Data(text.utf8) }
        return Self.decodeHex(text)
    }

    static func decodeHex(_ text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            return nil
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var data = Data(capacity: (utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }
}
