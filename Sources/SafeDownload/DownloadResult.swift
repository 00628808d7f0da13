/// A downloaded response body with what the resizer needs to judge it.
public struct DownloadResult: Sendable, Equatable {
    /// The body bytes exactly as sent (no content decoding is requested).
    public let body: [UInt8]
    /// The Content-Type header, e.g. `image/jpeg`, or nil when the server sent none.
    public let contentType: String?
    /// The final 2xx status.
    public let status: Int
    /// The URL the body came from after redirects.
    public let finalURL: String
    /// Redirects followed to get there.
    public let redirects: Int
}

extension DownloadResult: CustomStringConvertible {
    /// A short summary, so logs and test failures do not print the body bytes.
    public var description: String {
        "DownloadResult(status: \(status), \(body.count) bytes, content type: \(contentType ?? "none"), from: \(finalURL), redirects: \(redirects))"
    }
}
