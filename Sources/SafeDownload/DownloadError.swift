/// Why a download failed. `code` is the machine-readable reason the service
/// reports (`reason` field); `description` is a message a user can act on.
public struct DownloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Reason codes shared with the service's error messages.
    public enum Code: String, Sendable, CaseIterable {
        /// DNS failure, connection refused or reset, TLS failure.
        case downloadFailed = "download_failed"
        /// The server answered with a non-2xx status (see `status`).
        case httpStatus = "http_status"
        case tooLarge = "too_large"
        case timeout
        /// The destination address is loopback, private, link-local, ...
        case forbiddenAddress = "forbidden_address"
        case tooManyRedirects = "too_many_redirects"
        case unsupportedScheme = "unsupported_scheme"
        case invalidURL = "invalid_url"
        /// The caller cancelled the task, or the downloader was shut down.
        case cancelled
    }

    public let code: Code
    /// The HTTP status for `.httpStatus`, else nil.
    public let status: Int?
    public let message: String

    public init(_ code: Code, status: Int? = nil, message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    /// The reason code as the service reports it, e.g. `too_large`.
    public var reason: String { code.rawValue }

    public var description: String { "\(code.rawValue): \(message)" }
}
