import Foundation
import MsgFlo

/// The model's values as JSON, for the answers and messages written without
/// Codable (see `JSONValue.encoded()`).
extension JSONValue {
    /// `Timestamps.format`, the one timestamp format of messages and answers.
    static func timestamp(_ date: Date) -> JSONValue { .string(Timestamps.format(date)) }
    static func timestamp(_ date: Date?) -> JSONValue { date.map(timestamp) ?? .null }
    static func integer(_ value: Int) -> JSONValue { .number(Double(value)) }
    static func integer(_ value: Int?) -> JSONValue { value.map(integer) ?? .null }
}

extension ImageFailure {
    var json: JSONValue { .object(["code": .string(code), "message": .string(message)]) }
}

extension ImageSpec {
    /// As Codable writes it: an absent width or height is no key.
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "url": .string(url), "fit": .string(fit.rawValue), "format": .string(format.rawValue), "quality": .integer(quality),
        ]
        if let width { members["width"] = .integer(width) }
        if let height { members["height"] = .integer(height) }
        return .object(members)
    }
}
