/// Decoded `application/x-www-form-urlencoded` query parameters, in order.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var items: [(name: String, value: String)]

    public init(_ rawQuery: String) {
        items = []
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: "=") {
                items.append(
                    (
                        PercentDecoding.decode(pair[..<equals], plusAsSpace: true),
                        PercentDecoding.decode(pair[pair.index(after: equals)...], plusAsSpace: true)
                    ))
            } else {
                items.append((PercentDecoding.decode(pair, plusAsSpace: true), ""))
            }
        }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? { items.first { $0.name == name }?.value }

    public func values(_ name: String) -> [String] { items.filter { $0.name == name }.map(\.value) }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.items.count == rhs.items.count && zip(lhs.items, rhs.items).allSatisfy { $0 == $1 }
    }
}

/// Percent-decoding (RFC 3986); invalid escapes are kept literally rather than
/// rejected, since a lenient decode of a query cannot smuggle anything.
enum PercentDecoding {
    static func decode<S: StringProtocol>(_ text: S, plusAsSpace: Bool) -> String {
        let utf8 = text.utf8
        if !utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && utf8.contains(UInt8(ascii: "+"))) {
            return String(text)
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var iterator = Array(utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = iterator[iterator.startIndex].hexDigit,
                let low = iterator[iterator.startIndex + 1].hexDigit
            {
                out.append(UInt8(high << 4 | low))
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+") && plusAsSpace {
                out.append(32)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
