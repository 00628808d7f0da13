import Foundation

/// Why a request body could not be decoded; answered with 400 and the reason.
public struct JSONBodyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public var httpError: HTTPError { HTTPError(.badRequest, message) }

    static func describe(_ error: any Error, type: String) -> JSONBodyError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "top level"
                : "'"
                    + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                    .joined(separator: ".") + "'"
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let at = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return JSONBodyError(message: "request body: missing field '\(key.stringValue)'\(at)")
        case .typeMismatch(let expected, let context)?:
            return JSONBodyError(message: "request body: \(path(context.codingPath)) must be \(expected)")
        case .valueNotFound(let expected, let context)?:
            return JSONBodyError(message: "request body: \(path(context.codingPath)) must be \(expected), not null")
        case .dataCorrupted(let context)?:
            if context.codingPath.isEmpty {
                return JSONBodyError(message: "request body is not valid JSON: send a JSON \(type)")
            }
            return JSONBodyError(message: "request body: \(path(context.codingPath)): \(context.debugDescription)")
        default:
            return JSONBodyError(message: "request body could not be decoded as \(type): \(error)")
        }
    }
}

extension HTTPRequest {
    /// Decodes the body as JSON; the error names the offending field so the client
    /// can fix its request.
    public func decodeJSON<T: Decodable>(_ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder())
        throws(JSONBodyError) -> T
    {
        if body.isEmpty { throw JSONBodyError(message: "request body is empty: send a JSON \(T.self)") }
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch {
            throw JSONBodyError.describe(error, type: "\(T.self)")
        }
    }
}

extension HTTPResponse {
    /// An `application/json` response of `value`.
    public static func json<T: Encodable>(
        _ value: T, status: HTTPStatus = .ok, headers: HTTPHeaders = [:],
        encoder: JSONEncoder = JSONEncoder()
    ) throws -> HTTPResponse {
        let data = try encoder.encode(value)
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: [UInt8](data))
    }
}
