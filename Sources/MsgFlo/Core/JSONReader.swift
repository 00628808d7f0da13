/// Why JSON text could not be read, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset into the text.
    public var offset: Int
    public var problem: String

    public init(offset: Int, problem: String) {
        self.offset = offset
        self.problem = problem
    }

    public var description: String { "\(problem) at byte \(offset)" }
}

/// Reads JSON text (RFC 8259) into a `JSONValue` straight from its bytes.
///
/// Every message a participant receives and every request body the web
/// takes is parsed here; Foundation's `JSONDecoder` went through Codable's
/// containers for each value and took a seventh of the web's CPU under a
/// flood. Strict like it: no trailing commas, comments, NaN, bare control
/// characters or invalid UTF-8; numbers must fit a finite `Double`; nesting is
/// capped so hostile input cannot overflow the stack. Duplicate keys: the last
/// one wins.
struct JSONReader {
    /// Deepest nesting of arrays and objects accepted (Foundation's limit too).
    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        let value = try reader.readValue()
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ problem: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, problem: problem)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private mutating func readValue() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = current else { throw error("unexpected end of the JSON text") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw error("unexpected character '\(Self.printable(byte))'")
        }
    }

    private mutating func readLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("unexpected end of the JSON text") }
        let start = word.utf8Start
        for index in 0..<count where bytes[position + index] != start[index] {
            throw error("unexpected character '\(Self.printable(bytes[position]))'")
        }
        position += count
        return value
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        position += 1
    }

    private mutating func readArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            case nil: throw error("unexpected end of the JSON text in an array")
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func readObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw current == nil ? error("unexpected end of the JSON text in an object") : error("expected a string key in an object")
            }
            let key = try readString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            position += 1
            skipWhitespace()
            members[key] = try readValue()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            case nil: throw error("unexpected end of the JSON text in an object")
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// At the opening quote; ends after the closing one.
    private mutating func readString() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        // Most strings have no escapes: one scan, one validated copy.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try Self.validated(UnsafeRawBufferPointer(rebasing: bytes[start..<position]), at: start)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("control character in a string (escape it)") }
            position += 1
        }
        var utf8 = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                let text = try Self.validated(utf8, at: start)
                position += 1
                return text
            case UInt8(ascii: "\\"):
                try readEscape(into: &utf8)
            case 0..<0x20:
                throw error("control character in a string (escape it)")
            default:
                utf8.append(byte)
                position += 1
            }
        }
        throw JSONSyntaxError(offset: start - 1, problem: "unterminated string")
    }

    private static func validated(_ utf8: some Collection<UInt8>, at offset: Int) throws(JSONSyntaxError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw JSONSyntaxError(offset: offset, problem: "string is not valid UTF-8")
        }
        return text
    }

    /// At the backslash.
    private mutating func readEscape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        guard position + 1 < bytes.count else { throw error("unterminated string") }
        let kind = bytes[position + 1]
        position += 2
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(kind)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if 0xD800..<0xDC00 ~= scalar {
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
                position += 2
                let low = try readHex4()
                guard 0xDC00..<0xE000 ~= low else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if 0xDC00..<0xE000 ~= scalar {
                throw error("unpaired UTF-16 surrogate in a \\u escape")
            }
            // Not a surrogate (checked above) and at most 0x10FFFF: always a scalar.
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            utf8.append(contentsOf: unicode.utf8)
        default:
            position -= 1
            throw error("invalid escape '\\\(Self.printable(kind))'")
        }
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("unterminated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u must be followed by 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// RFC 8259's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func readNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        var integer: Int64 = 0
        var small = true // the digits so far fit exactly into `integer` and a Double
        let negative = current == UInt8(ascii: "-")
        if negative { position += 1 }
        guard let first = current, Self.isDigit(first) else { throw error("a number needs digits") }
        if first == UInt8(ascii: "0") {
            position += 1
            if let next = current, Self.isDigit(next) { throw error("a number cannot start with 0") }
        } else {
            while let byte = current, Self.isDigit(byte) {
                if small {
                    integer = integer &* 10 &+ Int64(byte - UInt8(ascii: "0"))
                    small = integer < 1 << 53
                }
                position += 1
            }
        }
        var plainInteger = true
        if current == UInt8(ascii: ".") {
            plainInteger = false
            position += 1
            guard let byte = current, Self.isDigit(byte) else { throw error("a number needs digits after '.'") }
            while let byte = current, Self.isDigit(byte) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            plainInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let byte = current, Self.isDigit(byte) else { throw error("a number needs digits in its exponent") }
            while let byte = current, Self.isDigit(byte) { position += 1 }
        }
        if plainInteger && small {
            return negative ? -Double(integer) : Double(integer)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(offset: start, problem: "number \(text) does not fit a 64-bit float")
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}
