import Foundation
import Primitives

/// Text conversions for `timestamptz`, in PostgreSQL's ISO output style,
/// exact to the microsecond (PostgreSQL's resolution). Pure functions:
/// Foundation's formatters stop at milliseconds.
enum PostgresTimestamp {
    /// "2024-01-02 03:04:05.123456+00", always in UTC; years before 1 AD
    /// as PostgreSQL writes them ("0044-03-15 12:00:00.000000+00 BC").
    ///
    /// Never traps, whatever the date (query bounds can come from a request):
    /// a date later or earlier than PostgreSQL can store (4714 BC to 294276
    /// AD; the Int64 microseconds this counts in end in 294247 AD) becomes
    /// "infinity" or "-infinity", which sort after or before every stored
    /// time, so comparisons keep their meaning. A NaN date has no meaning at
    /// all: it goes out as "NaN", which the server refuses with a clear error.
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        if interval.isNaN { return "NaN" }
        let exact = (interval * 1_000_000).rounded()
        // Double(Int64.max) is 2^63, one past the largest Int64: below it, the conversion is exact and safe.
        guard exact < Double(Int64.max) else { return "infinity" }
        guard exact >= Double(earliestMicroseconds) else { return "-infinity" }
        let micros = Int64(exact)
        let (days, microsOfDay) = floorDivide(micros, 86_400_000_000)
        let (year, month, day) = CivilCalendar.date(daysSince1970: days)
        let seconds = microsOfDay / 1_000_000
        let fraction = microsOfDay % 1_000_000
        // The proleptic year 0 is 1 BC, -1 is 2 BC, and so on.
        let text = String(
            format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%06lld+00",
            year > 0 ? year : 1 - year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, fraction)
        return year > 0 ? text : text + " BC"
    }

    /// 4714-11-24 BC 00:00 UTC (Julian day 0, proleptic year -4713), the
    /// first instant PostgreSQL stores, in microseconds since 1970.
    static let earliestMicroseconds: Int64 = CivilCalendar.daysSince1970(year: -4713, month: 11, day: 24) * 86_400_000_000

    /// Parses "YYYY-MM-DD HH:MM:SS[.ffffff][+-HH[:MM[:SS]]]" (also with a
    /// "T"), and "infinity"/"-infinity". Nil for anything else (BC dates).
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + digits] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect(" T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000
            while index < bytes.count, (48...57).contains(bytes[index]) {
                micros += Int64(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            index += 1
            guard let hours = number(2) else { return nil }
            var minutes: Int64 = 0
            var seconds: Int64 = 0
            if expect(":") {
                guard let value = number(2) else { return nil }
                minutes = value
            }
            if expect(":") {
                guard let value = number(2) else { return nil }
                seconds = value
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60 + seconds)
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = CivilCalendar.daysSince1970(year: year, month: month, day: day)
        let total = (days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) * 1_000_000 + micros
        return Date(timeIntervalSince1970: Double(total) / 1_000_000)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
        return (quotient, value - quotient * divisor)
    }
}
