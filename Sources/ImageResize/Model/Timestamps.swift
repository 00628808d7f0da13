import Foundation
import Primitives

/// ISO 8601 with milliseconds, the one timestamp format of messages and API answers.
enum Timestamps {
    /// "2026-01-31T12:00:00.250Z": UTC, milliseconds rounded down, years
    /// 0001-9999 (a date outside is clamped to that range rather than
    /// trapping). Written by hand: Foundation's ISO 8601 format style took
    /// several microseconds a date, and `GET /jobs/{id}` writes up to four per
    /// image.
    static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let clamped = seconds.isFinite ? min(max(seconds, minSeconds), maxSeconds) : 0
        let whole = clamped.rounded(.down)
        // The fraction to whole microseconds first (what PostgreSQL stores), so
        // 0.964 s, a hair below in binary, is still .964.
        let microseconds = Int(((clamped - whole) * 1_000_000).rounded())
        let milliseconds = Int(whole) * 1000 + microseconds / 1000
        let (days, dayMilliseconds) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, inDay) = dayMilliseconds < 0 ? (days - 1, dayMilliseconds + 86_400_000) : (days, dayMilliseconds)
        let civil = CivilCalendar.date(daysSince1970: Int64(day))
        let (year, month, dayOfMonth) = (Int(civil.year), Int(civil.month), Int(civil.day))
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        out.append(UInt8(ascii: "-"))
        digits(month, 2)
        out.append(UInt8(ascii: "-"))
        digits(dayOfMonth, 2)
        out.append(UInt8(ascii: "T"))
        digits(inDay / 3_600_000, 2)
        out.append(UInt8(ascii: ":"))
        digits(inDay / 60_000 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(inDay / 1000 % 60, 2)
        out.append(UInt8(ascii: "."))
        digits(inDay % 1000, 3)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
    static let minSeconds = -62_135_596_800.0
    static let maxSeconds = 253_402_300_799.9995 // half a millisecond in: binary steps there are 30 µs

    /// "2026-01-31T12:00:00Z", with optional fractional seconds (up to
    /// nanoseconds) and a "Z" or "+hh:mm" / "+hhmm" offset. Strict: every
    /// field in its range (no February 30th, no hour 25, years 0001-9999),
    /// nothing before or after, so a date from a request is what it says or
    /// it is refused (Foundation's parser rolls "02-30" over to March and
    /// ignores trailing text).
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard (20...40).contains(bytes.count) else { return nil }
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("Tt"),
            let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2)
        else { return nil }
        var nanoseconds = 0
        if expect(".") {
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]), digits < 9 {
                nanoseconds = nanoseconds * 10 + Int(bytes[index] - 48)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanoseconds *= 10 }
        }
        var offsetSeconds = 0
        if !expect("Zz") {
            guard index < bytes.count else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let hours = number(2) else { return nil }
            _ = expect(":")
            guard let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count, (1...9999).contains(year), (1...12).contains(month), hour <= 23, minute <= 59, second <= 59,
            (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let days = Int(CivilCalendar.daysSince1970(year: Int64(year), month: Int64(month), day: Int64(day)))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 timestamp: \(text)")
            }
            return date
        }
        return decoder
    }()
}
