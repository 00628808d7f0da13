import CCurl
import CCurlShim
import Foundation

/// What went wrong in one `curl_easy_perform`, with the flags our callbacks
/// set, so turning it into a `DownloadError` is a pure function.
struct TransferFailure {
    var code: CURLcode
    /// libcurl's CURLOPT_ERRORBUFFER text, or `curl_easy_strerror` when empty.
    var detail: String
    var url: String
    var exceededMaxBytes = false
    var exceededMaxHeaderBytes = false
    var refusedAddresses: [(address: IPAddress, kind: BlockedAddressKind)] = []
    var refusedUnknownFamily = false
    var cancelled = false

    func error(configuration: DownloadConfiguration) -> DownloadError {
        if cancelled && (code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_WRITE_ERROR) {
            return DownloadError(.cancelled, message: "download of \(url) was cancelled")
        }
        if code == CURLE_FILESIZE_EXCEEDED || (exceededMaxBytes && code == CURLE_WRITE_ERROR) {
            return DownloadError(.tooLarge, message: "\(url) is larger than the limit of \(configuration.maxBytes) bytes; send a smaller image")
        }
        if exceededMaxHeaderBytes && code == CURLE_WRITE_ERROR {
            return DownloadError(
                .tooLarge,
                message:
                    "\(url) sent more than \(TransferContext.maxHeaderBytes) bytes of response headers; send a URL from a well-behaved image host")
        }
        if code == CURLE_OPERATION_TIMEDOUT {
            return DownloadError(
                .timeout,
                message:
                    "\(url) did not download within \(configuration.totalTimeout) (connect limit \(configuration.connectTimeout)); use a faster host or retry later"
            )
        }
        if code == CURLE_COULDNT_CONNECT, !refusedAddresses.isEmpty {
            // The kinds only: which internal addresses a name resolves to is the network's business, not the client's.
            var kinds: [String] = []
            for kind in refusedAddresses.map(\.kind.rawValue) where !kinds.contains(kind) { kinds.append(kind) }
            return DownloadError(
                .forbiddenAddress,
                message:
                    "\(url) resolves to an internal address (\(kinds.joined(separator: ", "))), which downloads may not reach; use a public image URL (operators can allow-list a host in \(DownloadConfiguration.allowHostsVariable))"
            )
        }
        if code == CURLE_COULDNT_CONNECT, refusedUnknownFamily {
            return DownloadError(.forbiddenAddress, message: "\(url) resolves to an address that is neither IPv4 nor IPv6; use a public image URL")
        }
        if code == CURLE_UNSUPPORTED_PROTOCOL {
            return DownloadError(.unsupportedScheme, message: "\(url) uses a protocol other than http or https (\(detail))")
        }
        if code == CURLE_URL_MALFORMAT {
            return DownloadError(.invalidURL, message: "\(url) is not a valid URL (\(detail)); send an absolute http:// or https:// URL")
        }
        if code == CURLE_TOO_MANY_REDIRECTS {
            return DownloadError(
                .tooManyRedirects, message: "\(url) redirected more than \(configuration.maxRedirects) times; send the final image URL")
        }
        return DownloadError(
            .downloadFailed, message: "could not download \(url): \(Self.withoutAddresses(detail, notIn: url)); check that the URL is reachable")
    }

    /// libcurl's text with the IP addresses it resolved (and the URL did not
    /// name) replaced: an error answer must not map the service's network.
    static func withoutAddresses(_ detail: String, notIn url: String) -> String {
        var out = ""
        var token = ""
        func flush() {
            var bare = token.trimmingCharacters(in: CharacterSet(charactersIn: ".:"))
            // 10.1.2.3:80: the address without its port.
            if bare.filter({ $0 == ":" }).count == 1, let colon = bare.firstIndex(of: ":") { bare = String(bare[..<colon]) }
            if !bare.isEmpty, IPAddress(bare) != nil, !url.contains(bare) {
                out += token.replacingOccurrences(of: bare, with: "an address")
            } else {
                out += token
            }
            token = ""
        }
        for character in detail {
            if character.isLetter || character.isNumber || character == "." || character == ":" {
                token.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}
