import CCurl
import CCurlShim

/// A URL parsed by libcurl's own parser (CURLU) and handed to the transfer as
/// that same parsed object (CURLOPT_CURLU), so the scheme and host we check are
/// exactly the ones libcurl fetches: no second parser to disagree with.
final class CurlURL {
    let handle: OpaquePointer
    let scheme: String
    /// Lower-cased host; IPv6 literals keep their brackets, as in `AllowedHost`.
    let host: String
    /// Explicit port or the scheme's default.
    let port: Int
    let text: String

    init(_ text: String) throws(DownloadError) {
        if let scheme = CurlURL.schemePrefix(of: text), !CurlURL.isAllowed(scheme: scheme) {
            throw CurlURL.unsupported(scheme: scheme, url: text)
        }
        guard let handle = curl_url() else {
            throw DownloadError(.downloadFailed, message: "libcurl could not allocate a URL handle (out of memory?)")
        }
        self.handle = handle
        let code = curl_url_set(handle, CURLUPART_URL, text, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard code == CURLUE_OK else {
            curl_url_cleanup(handle)
            let reason = String(cString: curl_url_strerror(code))
            throw DownloadError(.invalidURL, message: "'\(text)' is not a valid URL (\(reason)); send an absolute http:// or https:// URL")
        }
        let scheme = CurlURL.part(handle, CURLUPART_SCHEME)?.lowercased() ?? ""
        let host = CurlURL.part(handle, CURLUPART_HOST)?.lowercased() ?? ""
        let port = CurlURL.part(handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) }
        guard CurlURL.isAllowed(scheme: scheme) else {
            curl_url_cleanup(handle)
            throw CurlURL.unsupported(scheme: scheme, url: text)
        }
        guard !host.isEmpty, let port else {
            curl_url_cleanup(handle)
            throw DownloadError(.invalidURL, message: "'\(text)' has no host or port; send an absolute http:// or https:// URL")
        }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.text = CurlURL.part(handle, CURLUPART_URL) ?? text
    }

    deinit {
        curl_url_cleanup(handle)
    }

    static func isAllowed(scheme: String) -> Bool {
        scheme == "http" || scheme == "https"
    }

    /// The RFC 3986 scheme in front of the first ':', if the text starts with one,
    /// so `file:/etc/passwd` and `ftp://…` are reported as schemes, not as bad URLs.
    static func schemePrefix(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let candidate = text[..<colon]
        guard let first = candidate.first, first.isASCII, first.isLetter,
            candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return candidate.lowercased()
    }

    private static func unsupported(scheme: String, url: String) -> DownloadError {
        DownloadError(.unsupportedScheme, message: "URL scheme '\(scheme)' is not allowed in '\(url)'; only http and https URLs can be downloaded")
    }

    private static func part(_ handle: OpaquePointer, _ what: CURLUPart, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, what, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
