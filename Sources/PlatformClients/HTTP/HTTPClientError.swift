/// No HTTP answer at all (refused, timed out, DNS, TLS), with the URL so the
/// user knows which service to look at.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL without credentials.
    public var url: String
    public var reason: String

    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String { "request to \(url) failed: \(reason); is the service running and the URL right?" }
}
