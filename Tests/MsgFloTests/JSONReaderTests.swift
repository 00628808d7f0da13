import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

/// The reader against RFC 8259, and against Foundation's `JSONSerialization`
/// on the same text: what one accepts the other accepts, with the same value.
@Suite(.logsOnFailure) struct JSONReaderTests {
    static let accepted: [(String, JSONValue)] = [
        ("null", nil), ("true", true), ("false", false), ("0", 0), ("-0", .number(-0.0)), ("42", 42), ("-17", -17),
        ("1.5", 1.5), ("-2.25e3", -2250), ("1E2", 100), ("1e-2", 0.01), ("9007199254740993", 9_007_199_254_740_992),
        ("123456789012345678901234567890", .number(1.2345678901234568e29)), ("\"\"", ""), ("\"a\"", "a"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"), (#""\u00e9\u20AC""#, "é€"), (#""\ud83d\ude00""#, "😀"),
        ("\"é😀\"", "é😀"), ("[]", []), ("{}", [:]), (" [ 1 , [ 2 ] , { } ] ", [1, [2], [:]]),
        (#"{"a":{"b":[null,true]},"c":"d"}"#, ["a": ["b": [nil, true]], "c": "d"]), (#"{"k":1,"k":2}"#, ["k": 2]),
        ("\n\t\r 7 \n", 7),
    ]

    @Test(arguments: accepted) func reads(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: Data(text.utf8)) == expected)
    }

    static let refused: [(String, String)] = [
        ("", "unexpected end"), ("   ", "unexpected end"), ("nul", "unexpected end"), ("nulx", "unexpected character"),
        ("[1,]", "unexpected character"), ("[1 2]", "expected ',' or ']'"), ("{\"a\" 1}", "expected ':'"),
        ("{a:1}", "expected a string key"), ("{\"a\":1,}", "expected a string key"), ("[1", "unexpected end"),
        ("01", "cannot start with 0"), ("-", "needs digits"), ("1.", "after '.'"), (".5", "unexpected character"),
        ("1e", "exponent"), ("+1", "unexpected character"), ("1e400", "does not fit"), ("NaN", "unexpected character"),
        ("\"abc", "unterminated string"), ("\"a\nb\"", "control character"), (#""\x""#, "invalid escape"),
        (#""\u12zz""#, "4 hex digits"), (#""\u12""#, "unterminated"), (#""\ud83d""#, "unpaired"), (#""\ude00""#, "unpaired"),
        (#""\ud83d\u0041""#, "unpaired"),
        ("1 2", "after the JSON value"), ("// no\n1", "unexpected character"), ("'a'", "unexpected character"),
    ]

    @Test(arguments: refused) func refuses(text: String, problem: String) {
        #expect {
            try JSONValue(parsing: Data(text.utf8))
        } throws: { error in
            (error as? JSONSyntaxError)?.problem.contains(problem) == true
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test func nestingIsCappedInsteadOfOverflowingTheStack() throws {
        let fine = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        _ = try JSONValue(parsing: Data(fine.utf8))
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Data(hostile.utf8)) }
    }

    @Test func theErrorSaysWhere() {
        #expect(throws: JSONSyntaxError(offset: 6, problem: "expected ',' or ']' in an array")) {
            try JSONValue(parsing: Data("[1, 2 3]".utf8))
        }
    }

    /// Random documents: written by `encoded()`, read back equal, and read by
    /// Foundation's parser as the same document.
    @Test func writesWhatItAndFoundationRead() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = value.encoded()
            #expect(try JSONValue(parsing: text) == value)
            let foundation = try JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed])
            // Foundation reads booleans as numbers on Linux: compare with those as 0 and 1.
            // (and its numbers are off by an ulp at times: compare those within 1e-15).
            let theirs = try #require(Self.value(of: foundation))
            #expect(Self.nearlyEqual(theirs, Self.booleansAsNumbers(value)), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test(
        arguments: [
            (JSONValue.object(["b": 1, "a": [1.5, "s"], "B": nil]), #"{"B":null,"a":[1.5,"s"],"b":1}"#),
            (.string("a/b\"c\\\n\u{01}é"), #""a/b\"c\\\n\u0001é""#), (.number(3), "3"), (.number(-0.0), "0"),
            (.number(0.1), "0.1"), (.number(1e20), "1e+20"), (.number(1e-7), "1e-07"), (.number(.infinity), "null"),
            (.number(.nan), "null"), (.array([]), "[]"), (.object([:]), "{}"),
        ] as [(JSONValue, String)])
    func writes(value: JSONValue, expected: String) {
        #expect(String(decoding: value.encoded(), as: UTF8.self) == expected)
    }

    static func randomValue(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        switch Int.random(in: depth > 3 ? 0...3 : 0...5, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            return Bool.random(using: &generator)
                ? .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)))
                : .number(Double.random(in: -1e6...1e6, using: &generator))
        case 3: return .string(randomString(using: &generator))
        case 4: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                members[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }

    static func randomString(using generator: inout SplitMix64) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "€", "😀", "\u{7F}"]
        return (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
    }

    static func nearlyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return abs(x - y) <= 1e-15 * max(abs(x), abs(y))
        case (.array(let xs), .array(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy(nearlyEqual)
        case (.object(let xs), .object(let ys)):
            return xs.count == ys.count && xs.allSatisfy { key, x in ys[key].map { nearlyEqual(x, $0) } ?? false }
        default: return a == b
        }
    }

    static func booleansAsNumbers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .bool(let flag): return .number(flag ? 1 : 0)
        case .array(let elements): return .array(elements.map(booleansAsNumbers))
        case .object(let members): return .object(members.mapValues(booleansAsNumbers))
        default: return value
        }
    }

    static func value(of object: Any) -> JSONValue? {
        switch object {
        case is NSNull: return .null
        case let number as NSNumber: return .number(number.doubleValue)
        case let text as String: return .string(text)
        case let array as [Any]:
            let elements = array.compactMap(value(of:))
            return elements.count == array.count ? .array(elements) : nil
        case let dictionary as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, element) in dictionary {
                guard let converted = value(of: element) else { return nil }
                members[key] = converted
            }
            return .object(members)
        default: return nil
        }
    }
}
