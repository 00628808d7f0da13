import CCurl
import CCurlShim

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
            let addresses = refusedAddresses.map { "\($0.address) (\($0.kind.rawValue))" }.joined(separator: ", ")
            return DownloadError(
                .forbiddenAddress,
                message:
                    "\(url) resolves to \(addresses), which downloads may not reach; use a public image URL (operators can allow-list a host in \(DownloadConfiguration.allowHostsVariable))"
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
        return DownloadError(.downloadFailed, message: "could not download \(url): \(detail); check that the URL is reachable")
    }
}
