import MsgFlo

/// JSON whose objects keep their key order.
///
/// Graph files list processes in the order msgflo starts them, and Foundation's
/// decoders forget object key order, so graph files are read with this instead.
public indirect enum OrderedJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    /// Equal when the values are equal, whatever the key order.
    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool { lhs.jsonValue == rhs.jsonValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(jsonValue) }

    /// The order-free value (a later duplicate key wins, as in JavaScript).
    public var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): .number(n)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(\.jsonValue))
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// Same value with object keys sorted, the canonical form used when writing.
    public init(sorted value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(OrderedJSON.init(sorted:)))
        case .object(let o): self = .object(o.keys.sorted().map { ($0, OrderedJSON(sorted: o[$0]!)) })
        }
    }

    public var members: [(key: String, value: OrderedJSON)]? {
        if case .object(let m) = self { return m } else { return nil }
    }

    public subscript(key: String) -> OrderedJSON? {
        members?.last { $0.key == key }?.value
    }
}

/// Where and why a JSON text could not be read.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var cause: String
    public var description: String { "line \(line), column \(column): \(cause)" }
}

extension OrderedJSON {
    /// Parses a complete JSON text (any top-level value).
    public init(parsing text: String) throws(JSONSyntaxError) {
        var reader = JSONReader(scalars: Array(text.unicodeScalars), offset: 0)
        if reader.current == "\u{FEFF}" { reader.offset += 1 } // byte-order mark
        reader.skipWhitespace()
        self = try reader.readValue()
        reader.skipWhitespace()
        if reader.offset < reader.scalars.count {
            throw reader.error("unexpected '\(reader.scalars[reader.offset])' after the JSON value")
        }
    }

    /// Compact (`pretty == false`) or two-space indented JSON text, keys in stored order.
    public func rendered(pretty: Bool = false) -> String {
        var out = ""
        render(into: &out, pretty: pretty, depth: 0)
        return out
    }

    private func render(into out: inout String, pretty: Bool, depth: Int) {
        let newline = pretty ? "\n" + String(repeating: "  ", count: depth + 1) : ""
        let closing = pretty ? "\n" + String(repeating: "  ", count: depth) : ""
        switch self {
        case .null, .bool, .number, .string:
            out += String(decoding: jsonValue.encoded(), as: UTF8.self)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                out += newline
                item.render(into: &out, pretty: pretty, depth: depth + 1)
            }
            out += closing + "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                out += newline
                out += String(decoding: JSONValue.string(member.key).encoded(), as: UTF8.self)
                out += pretty ? ": " : ":"
                member.value.render(into: &out, pretty: pretty, depth: depth + 1)
            }
            out += closing + "}"
        }
    }
}

/// A cursor over unicode scalars that reads one JSON value; shared with the
/// `.fbp` parser, which allows JSON initial packets inside a graph.
struct JSONReader {
    let scalars: [Unicode.Scalar]
    var offset: Int

    func error(_ cause: String, at position: Int? = nil) -> JSONSyntaxError {
        let (line, column) = TextPosition.lineAndColumn(of: position ?? offset, in: scalars)
        return JSONSyntaxError(line: line, column: column, cause: cause)
    }

    var current: Unicode.Scalar? { offset < scalars.count ? scalars[offset] : nil }

    mutating func skipWhitespace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { offset += 1 }
    }

    mutating func readValue() throws(JSONSyntaxError) -> OrderedJSON {
        guard let c = current else { throw error("the JSON text ends where a value should start") }
        switch c {
        case "{": return try readObject()
        case "[": return try readArray()
        case "\"": return .string(try readString())
        case "t":
            try readLiteral("true")
            return .bool(true)
        case "f":
            try readLiteral("false")
            return .bool(false)
        case "n":
            try readLiteral("null")
            return .null
        case "-", "0"..."9": return try readNumber()
        default: throw error("unexpected '\(c)' where a JSON value should start")
        }
    }

    private mutating func readLiteral(_ word: String) throws(JSONSyntaxError) {
        for expected in word.unicodeScalars {
            guard current == expected else { throw error("invalid literal; expected '\(word)'") }
            offset += 1
        }
    }

    private mutating func readObject() throws(JSONSyntaxError) -> OrderedJSON {
        offset += 1
        var members: [(key: String, value: OrderedJSON)] = []
        skipWhitespace()
        if current == "}" {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == "\"" else { throw error("expected a quoted key in the JSON object") }
            let key = try readString()
            skipWhitespace()
            guard current == ":" else { throw error("expected ':' after the key \"\(key)\"") }
            offset += 1
            skipWhitespace()
            members.append((key, try readValue()))
            skipWhitespace()
            switch current {
            case ",": offset += 1
            case "}":
                offset += 1
                return .object(members)
            case nil: throw error("unterminated JSON object; add '}'")
            default: throw error("expected ',' or '}' in the JSON object")
            }
        }
    }

    private mutating func readArray() throws(JSONSyntaxError) -> OrderedJSON {
        offset += 1
        var items: [OrderedJSON] = []
        skipWhitespace()
        if current == "]" {
            offset += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try readValue())
            skipWhitespace()
            switch current {
            case ",": offset += 1
            case "]":
                offset += 1
                return .array(items)
            case nil: throw error("unterminated JSON array; add ']'")
            default: throw error("expected ',' or ']' in the JSON array")
            }
        }
    }

    private mutating func readNumber() throws(JSONSyntaxError) -> OrderedJSON {
        let start = offset
        func digits(_ reader: inout JSONReader) -> Int {
            var count = 0
            while let c = reader.current, ("0"..."9").contains(c) {
                reader.offset += 1
                count += 1
            }
            return count
        }
        if current == "-" { offset += 1 }
        if current == "0" { offset += 1 } else if digits(&self) == 0 { throw error("invalid number", at: start) }
        if current == "." {
            offset += 1
            if digits(&self) == 0 { throw error("invalid number: digits must follow '.'", at: start) }
        }
        if current == "e" || current == "E" {
            offset += 1
            if current == "+" || current == "-" { offset += 1 }
            if digits(&self) == 0 { throw error("invalid number: digits must follow the exponent", at: start) }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<offset])
        guard let value = Double(text) else { throw error("invalid number", at: start) }
        return .number(value)
    }

    mutating func readString() throws(JSONSyntaxError) -> String {
        let start = offset
        offset += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let c = current else { throw error("unterminated string; add the closing '\"'", at: start) }
            offset += 1
            switch c {
            case "\"":
                return String(result)
            case "\\":
                guard let escaped = current else { throw error("unterminated string; add the closing '\"'", at: start) }
                offset += 1
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "/": result.append("/")
                case "b": result.append("\u{08}")
                case "f": result.append("\u{0C}")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u":
                    var code = try readHex4()
                    if (0xD800...0xDBFF).contains(code), current == "\\", offset + 1 < scalars.count, scalars[offset + 1] == "u" {
                        offset += 2
                        let low = try readHex4()
                        if (0xDC00...0xDFFF).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) }
                    }
                    result.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    throw error("invalid escape '\\\(escaped)' in string", at: offset - 2)
                }
            default:
                if c.value < 0x20 { throw error("control character in string; escape it", at: offset - 1) }
                result.append(c)
            }
        }
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, c.isASCII, c != "+", c != "-", let digit = UInt32(String(c), radix: 16)
            else { throw error("invalid \\u escape: four hex digits required") }
            code = code * 16 + digit
            offset += 1
        }
        return code
    }
}

/// Converts scalar offsets to 1-based line and column numbers for error messages.
enum TextPosition {
    static func isNewline(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}"
    }

    static func lineAndColumn(of offset: Int, in scalars: [Unicode.Scalar]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = 0
        while i < min(offset, scalars.count) {
            let c = scalars[i]
            if isNewline(c) {
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n", i + 1 < offset { i += 1 }
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }
}
