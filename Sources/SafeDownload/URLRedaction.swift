/// Hides the secrets a source URL may carry before it is shown or logged:
/// the user information (`user:password@`, or a token as user name) and
/// the values of query (and fragment) parameters whose names say they are
/// credentials: signatures of pre-signed URLs (S3 `X-Amz-Signature` and
/// `X-Amz-Credential`, Azure `sig`, CloudFront `Signature`, `Policy` and
/// `Key-Pair-Id`, Google `X-Goog-Signature`), tokens, keys, passwords.
///
/// Works on the text as given (no parsing that could fail or re-encode), so
/// the rest of the URL reads exactly as the client sent it. Pure; a rule
/// that hides a harmless parameter (any name containing "key") is preferred
/// to one that lets a secret through.
public enum URLRedaction {
    public static let mask = "REDACTED"

    /// Parameter names (lowercased) containing any of these are secrets.
    static let secretNameParts = [
        "sig", "token", "key", "secret", "password", "passwd", "pwd", "auth", "credential",
        "session", "policy",
    ]

    public static func redact(_ url: String) -> String {
        // Without '@', '?' or '#' there is nothing to redact; most URLs, and the
        // web redacts every image URL of every answer.
        guard url.utf8.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
            let scheme = url.range(of: "://")
        else { return url }
        var result = String(url[..<scheme.upperBound])
        var rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            result += mask + "@"
            rest = rest[rest.index(after: at)...]
        }
        let queryStart = rest.firstIndex { $0 == "?" || $0 == "#" } ?? rest.endIndex
        result += rest[..<queryStart]
        rest = rest[queryStart...]
        while let separator = rest.first {
            result.append(separator)
            rest = rest.dropFirst()
            let end = separator == "?" ? (rest.firstIndex(of: "#") ?? rest.endIndex) : rest.endIndex
            result += redactParameters(rest[..<end])
            rest = rest[end...]
        }
        return result
    }

    /// Every http(s) URL inside a text (an error message), redacted.
    public static func redactURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = text[...]
        while let start = rest.range(of: "http", options: .caseInsensitive)?.lowerBound {
            let candidate = rest[start...]
            let lowered = candidate.prefix(8).lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                result += rest[...start]
                rest = rest[rest.index(after: start)...]
                continue
            }
            result += rest[..<start]
            let end =
                candidate.firstIndex { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\n" || $0 == "<" || $0 == ">" }
                ?? candidate.endIndex
            result += redact(String(candidate[..<end]))
            rest = candidate[end...]
        }
        return result + rest
    }

    static func redactParameters(_ parameters: Substring) -> String {
        parameters.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            guard secretNameParts.contains(where: { name.contains($0) }) else { return String(pair) }
            return pair[..<equals] + "=" + mask
        }.joined(separator: "&")
    }
}
