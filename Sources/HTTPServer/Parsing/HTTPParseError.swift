/// Why a request could not be read, carrying the status the server answers with.
///
/// Every parse error ends the connection: after a framing error the server cannot
/// know where the next request starts, and guessing is how request smuggling works.
public enum HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case requestLineTooLong(limit: Int)
    case headerSectionTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case bodyTooLarge(limit: Int)
    case malformed(String)
    case unsupportedTransferEncoding(String)
    case unsupportedVersion(String)
    case expectationFailed(String)

    public var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .malformed: .badRequest
        case .unsupportedTransferEncoding: .notImplemented
        case .unsupportedVersion: .httpVersionNotSupported
        case .expectationFailed: .expectationFailed
        }
    }

    public var description: String {
        switch self {
        case .requestLineTooLong(let limit):
            "request line longer than \(limit) bytes: shorten the URL (move data into the body)"
        case .headerSectionTooLarge(let limit):
            "header section larger than \(limit) bytes: send fewer or smaller headers"
        case .tooManyHeaders(let limit):
            "more than \(limit) header fields: send fewer headers"
        case .bodyTooLarge(let limit):
            "request body larger than \(limit) bytes: send a smaller body"
        case .malformed(let detail):
            "malformed request: \(detail)"
        case .unsupportedTransferEncoding(let coding):
            "transfer coding '\(coding)' is not supported: send the body with Content-Length or 'chunked'"
        case .unsupportedVersion(let version):
            "protocol version '\(version)' is not supported: use HTTP/1.1 or HTTP/1.0"
        case .expectationFailed(let value):
            "expectation '\(value)' cannot be met: only '100-continue' is supported"
        }
    }
}
