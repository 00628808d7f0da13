import Foundation

extension BrokerURL {
    /// One node of a broker: where a socket connects.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Every node to try, `host:port` first.
    public var endpoints: [Endpoint] { [Endpoint(host: host, port: port)] + failover }

    /// This URL pointing at one of its nodes only, as a connection attempt uses it.
    public func at(_ endpoint: Endpoint) -> BrokerURL {
        var single = self
        single.host = endpoint.host
        single.port = endpoint.port
        single.failover = []
        return single
    }

    /// `amqp://a:5672,amqp://b:5673` (commas or spaces between whole URLs):
    /// the URLs must agree on everything but host and port, since they name
    /// one broker. Nil when the text is a single URL.
    static func parseList(_ text: String) throws(BrokerURLError) -> BrokerURL? {
        // A piece without a scheme belongs to the URL before it (a host of its list, or a comma in a password).
        var pieces: [String] = []
        for piece in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            if piece.contains("://") || pieces.isEmpty {
                pieces.append(String(piece))
            } else {
                pieces[pieces.count - 1] += "," + piece
            }
        }
        guard pieces.count > 1 else { return nil }
        var urls: [BrokerURL] = []
        for piece in pieces { urls.append(try BrokerURL(parsing: piece)) }
        let first = urls[0]
        for other in urls.dropFirst() {
            let differs: [String] = [
                other.scheme != first.scheme ? "scheme" : nil,
                other.user != first.user || other.password != first.password ? "credentials" : nil,
                other.vhost != first.vhost ? "virtual host" : nil,
                other.query != first.query ? "query" : nil,
            ].compactMap { $0 }
            if !differs.isEmpty {
                throw BrokerURLError(
                    url: text,
                    reason: "the URLs of a broker list must differ only in host and port (these differ in \(differs.joined(separator: ", "))); "
                        + "write one URL with several hosts: amqp://user:password@host1:5672,host2:5672/vhost")
            }
        }
        var combined = first
        combined.failover = Array(urls.flatMap(\.endpoints).dropFirst())
        return combined
    }

    /// Splits `scheme://userinfo@h1:p1,h2:p2/rest` into the URL with its first
    /// host and the endpoints after it (each with the scheme's default port
    /// when it names none).
    static func splitHosts(_ text: String) throws(BrokerURLError) -> (single: String, failover: [Endpoint]) {
        guard let schemeEnd = text.range(of: "://") else { return (text, []) }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        let authority = text[schemeEnd.upperBound..<authorityEnd]
        let hostsStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hosts = authority[hostsStart...]
        guard hosts.contains(",") else { return (text, []) }
        let scheme = Scheme(rawValue: text[..<schemeEnd.lowerBound].lowercased())
        let defaultPort = scheme?.defaultPort ?? 0
        let parts = hosts.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var failover: [Endpoint] = []
        for part in parts.dropFirst() {
            guard let endpoint = endpoint(part, defaultPort: defaultPort) else {
                throw BrokerURLError(
                    url: text, reason: "'\(part)' in its host list is not host or host:port (a port is 1-65535; an IPv6 host is written [::1]:5672)")
            }
            failover.append(endpoint)
        }
        let single = String(text[..<hostsStart]) + parts[0] + String(text[authorityEnd...])
        return (single, failover)
    }

    private static func endpoint(_ text: String, defaultPort: Int) -> Endpoint? {
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.firstIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "@" || $0 == " " || $0 == "%" }) else { return nil }
        var port = defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        return Endpoint(host: String(host), port: port)
    }
}
