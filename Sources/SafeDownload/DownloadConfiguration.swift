/// Limits for downloading user-submitted URLs. The defaults suit images for
/// the resize worker: the original service gave downloads 10 s in total.
public struct DownloadConfiguration: Sendable {
    /// Time to establish TCP (and TLS) to one address.
    public var connectTimeout: Duration
    /// Budget for the whole download including every redirect hop.
    public var totalTimeout: Duration
    /// Largest response body accepted; larger ones are aborted as soon as they pass it.
    public var maxBytes: Int
    /// Redirects followed before giving up; 0 refuses any redirect.
    public var maxRedirects: Int
    /// Hosts that may resolve to loopback/private addresses (see `AllowedHost`).
    public var allowedHosts: [AllowedHost]
    public var userAgent: String

    public init(
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(10),
        maxBytes: Int = 25 * 1024 * 1024,
        maxRedirects: Int = 5,
        allowedHosts: [AllowedHost] = [],
        userAgent: String = "msgflo-swift-imageresize/1.0"
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.allowedHosts = allowedHosts
        self.userAgent = userAgent
    }

    /// The environment variable holding the comma-separated allow-list.
    public static let allowHostsVariable = "IMAGERESIZE_ALLOW_HOSTS"

    /// Defaults plus `IMAGERESIZE_ALLOW_HOSTS` (e.g. `localhost:8089,images.internal`).
    /// Throws on a malformed entry so a typo does not silently block a host.
    public static func fromEnvironment(
        _ environment: [String: String],
        base: DownloadConfiguration = DownloadConfiguration()
    ) throws(DownloadConfigurationError) -> DownloadConfiguration {
        var configuration = base
        if let list = environment[allowHostsVariable] {
            configuration.allowedHosts = try parseAllowList(list)
        }
        return configuration
    }

    /// Parses a comma-separated allow-list; empty entries are skipped.
    public static func parseAllowList(_ list: String) throws(DownloadConfigurationError) -> [AllowedHost] {
        var hosts: [AllowedHost] = []
        for entry in list.split(separator: ",") where !String(entry).trimmingWhitespace().isEmpty {
            guard let host = AllowedHost(parsing: String(entry)) else {
                throw DownloadConfigurationError(entry: String(entry))
            }
            hosts.append(host)
        }
        return hosts
    }

    func isAllowListed(host: String, port: Int) -> Bool {
        allowedHosts.contains { $0.matches(host: host, port: port) }
    }
}

/// A malformed `IMAGERESIZE_ALLOW_HOSTS` entry.
public struct DownloadConfigurationError: Error, CustomStringConvertible, Equatable {
    public let entry: String
    public var description: String {
        "\(DownloadConfiguration.allowHostsVariable) entry '\(entry)' is not a host, host:port or [ipv6]:port; fix or remove it"
    }
}
