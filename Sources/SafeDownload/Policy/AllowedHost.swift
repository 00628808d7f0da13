/// One host name the operator trusts even though it resolves to a refused
/// address (e.g. `localhost:8089`, a test image server). Matching is by the
/// URL's host text, never by address, so allow-listing one name opens nothing
/// else that resolves to the same private address.
public struct AllowedHost: Hashable, Sendable, CustomStringConvertible {
    /// Lower-cased host as it appears in a URL; IPv6 literals keep their brackets.
    public let host: String
    /// nil allows the web's ports only (80 and 443): an entry without a port
    /// must not open the host's database or admin ports too.
    public let port: Int?

    public init(host: String, port: Int? = nil) {
        self.host = host.lowercased()
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; nil for anything
    /// else (empty, bad port, unbracketed IPv6), so typos are reported, not ignored.
    public init?(parsing entry: String) {
        let text = entry.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        let hostPart: Substring
        let portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[...close]
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                portPart = nil
            } else {
                guard rest.hasPrefix(":") else { return nil }
                portPart = rest.dropFirst()
            }
        } else {
            let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            hostPart = pieces[0]
            portPart = pieces.count == 2 ? pieces[1] : nil
        }
        guard !hostPart.isEmpty, !hostPart.contains(where: { $0 == "/" || $0 == "@" || $0 == " " }) else {
            return nil
        }
        var port: Int?
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else { return nil }
            port = value
        }
        self.init(host: String(hostPart), port: port)
    }

    /// Whether a URL whose parsed host and effective port are these may use
    /// non-public addresses.
    public func matches(host otherHost: String, port otherPort: Int) -> Bool {
        host == otherHost.lowercased() && (port.map { $0 == otherPort } ?? Self.webPorts.contains(otherPort))
    }

    /// The ports an entry without one allows.
    public static let webPorts: Set<Int> = [80, 443]

    public var description: String {
        port.map { "\(host):\($0)" } ?? host
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[first...last]
    }
}
