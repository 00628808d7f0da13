/// An error a handler throws to answer with a specific status; the server turns it
/// into a JSON body `{"error": {"code": "not_found", "message": message}}`, the
/// shape APIs built on this server use for their own errors too. Any other error becomes a 500 whose
/// details go to the log only, never to the client.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    public var message: String
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, _ message: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.message = message ?? status.reason
        self.headers = headers
    }

    public var description: String { "\(status.code) \(message)" }

    /// The response sent for this error.
    public var response: HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: JSONText.errorBody(code: status.errorCode, message: message))
    }
}

/// Tiny JSON text helpers for error bodies, so that an error response never depends
/// on an encoder that could itself fail.
enum JSONText {
    static func errorBody(code: String, message: String) -> [UInt8] {
        var out: [UInt8] = Array(#"{"error":{"code":"#.utf8)
        appendString(code, to: &out)
        out.append(contentsOf: Array(#","message":"#.utf8))
        appendString(message, to: &out)
        out.append(contentsOf: Array("}}".utf8))
        return out
    }

    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case 92: out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension HTTPStatus {
    /// The reason phrase as a snake_case code: 404 -> `not_found`, 413 -> `content_too_large`.
    var errorCode: String {
        var code = ""
        for character in reason.lowercased() {
            if character.isLetter || character.isNumber { code.append(character) } else if !code.hasSuffix("_") { code.append("_") }
        }
        while code.hasSuffix("_") { code.removeLast() }
        return code.isEmpty ? "http_\(self.code)" : code
    }
}
