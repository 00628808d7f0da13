/// Whether a request's `Host` header names this machine. A server bound to
/// 127.0.0.1 is still reachable from a browser page on another site through
/// DNS rebinding (evil.example first resolving to the attacker, then to
/// 127.0.0.1): such requests carry the attacker's name in `Host`, so an API
/// without a token answers only requests addressed to a loopback name.
public enum LoopbackHost {
    public static let names: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    /// `host` or `host:port` naming localhost or a loopback address; nil or
    /// anything else is not local.
    public static func isLocal(_ header: String?) -> Bool {
        guard var host = header?.lowercased(), !host.isEmpty else { return false }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || isPort(rest.dropFirst()) && rest.hasPrefix(":") else { return false }
            host = String(host[...close])
        } else if let colon = host.firstIndex(of: ":") {
            guard isPort(host[host.index(after: colon)...]) else { return false }
            host = String(host[..<colon])
        }
        if host.hasSuffix(".localhost") { return true } // RFC 6761: always loopback
        return names.contains(host) || isLoopbackIPv4(host)
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
    }

    /// 127.x.y.z in dotted-quad form.
    private static func isLoopbackIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            part.count <= 3 && !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } && (Int(part) ?? 256) <= 255
        }
    }
}
