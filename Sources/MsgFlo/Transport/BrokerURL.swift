import Foundation

/// Where a participant finds its broker, parsed once so every transport agrees
/// on defaults (ports, vhost) and every log line can name the broker without
/// leaking its password.
public struct BrokerURL: Sendable, Hashable, CustomStringConvertible {
    /// The protocols msgflo speaks; `direct` is the in-process broker used by tests.
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        case amqp, amqps, mqtt, mqtts, direct

        /// The port a URL without one means (0 for `direct`, which has no socket).
        public var defaultPort: Int {
            switch self {
            case .amqp: 5672
            case .amqps: 5671
            case .mqtt: 1883
            case .mqtts: 8883
            case .direct: 0
            }
        }

        /// Whether the connection runs over TLS.
        public var usesTLS: Bool { self == .amqps || self == .mqtts }
    }

    /// The URL used when neither `--broker` nor the environment names one.
    public static let defaultURL = "amqp://localhost"

    public var scheme: Scheme
    public var user: String?
    public var password: String?
    /// The broker's host name; for `direct://name` the name of the in-process broker.
    public var host: String
    /// Explicit or the scheme's default port.
    public var port: Int
    /// Percent-decoded virtual host; `/` when the URL has no path (RabbitMQ's default).
    public var vhost: String
    /// Query parameters, e.g. `heartbeat=10`.
    public var query: [String: String]
    /// Further nodes of the same cluster, tried in order after `host:port`
    /// when it cannot be reached or is lost (`amqp://u:p@h1,h2:5673/vhost`).
    public var failover: [Endpoint]

    public init(
        scheme: Scheme, user: String? = nil, password: String? = nil, host: String,
        port: Int? = nil, vhost: String = "/", query: [String: String] = [:]
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.vhost = vhost
        self.query = query
        self.failover = []
    }

    /// Parses a broker URL such as `amqp://user:pass@host:5672/%2F?heartbeat=10`;
    /// a cluster as several hosts (`amqp://u:p@h1:5672,h2:5673,h3:5674/vhost`)
    /// or as a list of URLs that differ only in host and port, separated by
    /// commas or spaces (how `MSGFLO_BROKER` can name a cluster).
    public init(parsing text: String) throws(BrokerURLError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let list = try Self.parseList(trimmed) {
            self = list
            return
        }
        let (single, failover) = try Self.splitHosts(trimmed)
        try self.init(parsingSingle: single)
        guard failover.isEmpty || scheme != .direct else {
            throw BrokerURLError(url: trimmed, reason: "direct:// names one in-process broker; it has no failover hosts")
        }
        self.failover = failover
    }

    private init(parsingSingle trimmed: String) throws(BrokerURLError) {
        func fail(_ reason: String) -> BrokerURLError { BrokerURLError(url: trimmed, reason: reason) }

        guard let schemeEnd = trimmed.range(of: "://") else {
            throw fail("it has no scheme; write it like amqp://user:password@host:5672/vhost")
        }
        let schemeText = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else {
            throw fail("scheme '\(schemeText)' is not supported; use amqp, amqps, mqtt, mqtts or direct")
        }
        if BrokerURL.hasInvalidPercentEscape(trimmed) {
            // Not echoed: it may be part of the password.
            throw fail("it contains a '%' not followed by two hex digits; write %25 for a literal %")
        }
        guard let components = URLComponents(string: trimmed) else {
            throw fail("it is not a valid URL (check for spaces, a non-numeric port, or unescaped characters)")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) } // IPv6 literal
        guard !host.isEmpty else {
            throw fail(scheme == .direct ? "it names no broker; write direct://name" : "it has no host")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw fail("port \(port) is out of range 1-65535")
        }

        var vhost = "/"
        let path = components.percentEncodedPath
        if path.count > 1 {
            let encoded = String(path.dropFirst())
            if encoded.contains("/") {
                throw fail("the virtual host '\(encoded)' contains '/'; escape it as %2F")
            }
            guard let decoded = encoded.removingPercentEncoding else {
                throw fail("the virtual host '\(encoded)' has invalid percent escapes")
            }
            vhost = decoded
        }

        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            query[item.name] = item.value ?? ""
        }
        if let heartbeat = query["heartbeat"], Int(heartbeat).map({ $0 >= 0 }) != true {
            throw fail("heartbeat '\(heartbeat)' is not a whole number of seconds")
        }

        self.init(
            scheme: scheme, user: components.user.flatMap { $0.isEmpty ? nil : $0 },
            password: components.password, host: host, port: components.port,
            vhost: vhost, query: query)
    }

    /// Whether a `%` lacks two hex digits after it (Foundation would silently re-escape it).
    static func hasInvalidPercentEscape(_ text: String) -> Bool {
        let characters = Array(text)
        return characters.indices.contains { index in
            guard characters[index] == "%" else { return false }
            let escape = characters[index..<min(index + 3, characters.count)]
            return escape.count < 3 || !escape.dropFirst().allSatisfy(\.isHexDigit)
        }
    }

    /// Seconds between heartbeats asked for with `?heartbeat=`, if any.
    public var heartbeat: Int? { query["heartbeat"].flatMap { Int($0) } }

    /// The URL without the password, for log lines and error messages.
    public var description: String {
        if scheme == .direct { return "direct://\(host)" }
        let userPart = user.map { "\($0)@" } ?? ""
        let hostPart = endpoints.map(\.description).joined(separator: ",")
        let vhostPart =
            vhost.addingPercentEncoding(
                withAllowedCharacters: .alphanumerics
                    .union(CharacterSet(charactersIn: "-._~"))) ?? vhost
        return "\(scheme.rawValue)://\(userPart)\(hostPart)/\(vhostPart)"
    }

    /// Picks the broker the way every msgflo tool does: `--broker`, else
    /// `MSGFLO_BROKER`, else `CLOUDAMQP_URL`, else `amqp://localhost`.
    public static func resolve(flag: String?, environment: [String: String]) throws(BrokerURLError) -> BrokerURL {
        let candidates: [(String?, String)] = [
            (flag, "--broker"),
            (environment["MSGFLO_BROKER"], "MSGFLO_BROKER"),
            (environment["CLOUDAMQP_URL"], "CLOUDAMQP_URL"),
        ]
        for (value, source) in candidates {
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                return try BrokerURL(parsing: value)
            } catch {
                var sourced = error
                sourced.source = source
                throw sourced
            }
        }
        return try BrokerURL(parsing: defaultURL)
    }
}

/// A broker URL that cannot be used, with what to change.
public struct BrokerURLError: Error, Hashable, CustomStringConvertible {
    /// The offending URL with any password replaced by `***`.
    public var url: String
    public var reason: String
    /// Where the URL came from (`--broker`, `MSGFLO_BROKER`, ...), when known.
    public var source: String?

    public init(url: String, reason: String, source: String? = nil) {
        self.url = BrokerURLError.redactingPassword(in: url)
        self.reason = reason
        self.source = source
    }

    public var description: String {
        let from = source.map { " (from \($0))" } ?? ""
        return "invalid broker URL '\(url)'\(from): \(reason)"
    }

    /// Hides the password of `scheme://user:password@host` even when the rest does not parse.
    static func redactingPassword(in url: String) -> String {
        guard let schemeEnd = url.range(of: "://"),
            let at = url[schemeEnd.upperBound...].lastIndex(of: "@"),
            let colon = url[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return url }
        return url.replacingCharacters(in: url.index(after: colon)..<at, with: "***")
    }
}
