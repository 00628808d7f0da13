import CCurl
import CCurlShim

/// One libcurl easy handle, reused download after download so connections
/// (and TLS sessions) to the same host are kept. Blocking: use it from one
/// dedicated thread only (it is deliberately not Sendable); async callers use
/// `SafeDownloader`, which owns one session per pool thread.
///
/// Redirects are followed here, not by libcurl (CURLOPT_FOLLOWLOCATION is
/// off): the allow-list is keyed by the host of the URL being fetched, and the
/// open-socket callback must know that host before the hop connects. With
/// libcurl following, the callback would have to read CURLINFO_EFFECTIVE_URL
/// mid-transfer and rely on when libcurl updates it; following ourselves, every
/// hop is parsed by libcurl's URL parser, its scheme and host checked, the
/// allow-list decided, and exactly that parsed URL handed to the transfer
/// (CURLOPT_CURLU). The redirect target comes from CURLINFO_REDIRECT_URL, which
/// libcurl resolves against the current URL as it would itself.
public final class DownloadSession {
    public let configuration: DownloadConfiguration
    private let handle: UnsafeMutableRawPointer?
    private let context: TransferContext
    private let errorBuffer: UnsafeMutablePointer<CChar>

    public init(configuration: DownloadConfiguration = DownloadConfiguration()) {
        _ = CurlGlobal.initialized
        self.configuration = configuration
        self.context = TransferContext(maxBytes: configuration.maxBytes)
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        self.handle = curl_easy_init()
        if let handle {
            configure(handle)
        }
    }

    deinit {
        if let handle {
            curl_easy_cleanup(handle)
        }
        errorBuffer.deallocate()
    }

    /// Options that hold for every transfer of this handle.
    private func configure(_ handle: UnsafeMutableRawPointer) {
        // Worker threads: no SIGALRM-based DNS timeouts.
        _ = msgflo_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // Ignore http_proxy & co: the address check must see the real destination.
        _ = msgflo_curl_setopt_string(handle, CURLOPT_PROXY, "")
        _ = msgflo_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = msgflo_curl_setopt_long(handle, CURLOPT_MAXREDIRS, configuration.maxRedirects)
        _ = msgflo_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = msgflo_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = msgflo_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        // Refuses up front when Content-Length is over the cap; the write
        // callback enforces it for bodies without a length.
        _ = msgflo_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxBytes))
        _ = msgflo_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = msgflo_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        let user = context.opaquePointer
        _ = msgflo_curl_setopt_write_function(handle, CurlCallbacks.write)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, user)
        _ = msgflo_curl_setopt_header_function(handle, CurlCallbacks.header)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, user)
        _ = msgflo_curl_setopt_opensocket_function(handle, CurlCallbacks.openSocket)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, user)
        _ = msgflo_curl_setopt_xferinfo_function(handle, CurlCallbacks.progress)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, user)
        _ = msgflo_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
    }

    /// Downloads `url` under the configured limits, blocking the calling thread.
    public func download(_ url: String) throws(DownloadError) -> DownloadResult {
        try download(url, cancellation: nil)
    }

    func download(_ url: String, cancellation: CancellationFlag?) throws(DownloadError) -> DownloadResult {
        guard let handle else {
            throw DownloadError(.downloadFailed, message: "libcurl could not create a transfer handle; check memory and the libcurl installation")
        }
        let deadline = ContinuousClock.now + configuration.totalTimeout
        var current = try CurlURL(url)
        var redirects = 0
        while true {
            if cancellation?.isCancelled == true {
                throw DownloadError(.cancelled, message: "download of \(url) was cancelled")
            }
            let remaining = Self.milliseconds(deadline - ContinuousClock.now)
            guard remaining > 0 else {
                throw TransferFailure(code: CURLE_OPERATION_TIMEDOUT, detail: "", url: current.text).error(configuration: configuration)
            }
            try perform(handle, current, timeoutMilliseconds: remaining, cancellation: cancellation)
            var status = 0
            _ = msgflo_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            if (300..<400).contains(status), let target = Self.string(handle, CURLINFO_REDIRECT_URL) {
                redirects += 1
                guard redirects <= configuration.maxRedirects else {
                    throw TransferFailure(code: CURLE_TOO_MANY_REDIRECTS, detail: "", url: url).error(configuration: configuration)
                }
                current = try CurlURL(target)
                continue
            }
            guard (200..<300).contains(status) else {
                throw DownloadError(
                    .httpStatus, status: status, message: "\(current.text) answered HTTP \(status); check that the image URL is right and public")
            }
            // Hand the buffer over instead of keeping a copy alive on this idle thread.
            let body = context.body
            context.body = []
            return DownloadResult(
                body: body,
                contentType: Self.string(handle, CURLINFO_CONTENT_TYPE),
                status: status,
                finalURL: current.text,
                redirects: redirects
            )
        }
    }

    private func perform(
        _ handle: UnsafeMutableRawPointer,
        _ url: CurlURL,
        timeoutMilliseconds: Int,
        cancellation: CancellationFlag?
    ) throws(DownloadError) {
        context.startHop(
            hostIsAllowListed: configuration.isAllowListed(host: url.host, port: url.port),
            cancellation: cancellation
        )
        errorBuffer[0] = 0
        _ = msgflo_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_CURLU, UnsafeMutableRawPointer(url.handle))
        let code = curl_easy_perform(handle)
        _ = msgflo_curl_setopt_pointer(handle, CURLOPT_CURLU, nil)
        guard code == CURLE_OK else {
            let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            let failure = TransferFailure(
                code: code,
                detail: detail,
                url: url.text,
                exceededMaxBytes: context.exceededMaxBytes,
                exceededMaxHeaderBytes: context.exceededMaxHeaderBytes,
                refusedAddresses: context.refusedAddresses,
                refusedUnknownFamily: context.refusedUnknownFamily,
                cancelled: context.isCancelled
            )
            throw failure.error(configuration: configuration)
        }
    }

    private static func string(_ handle: UnsafeMutableRawPointer, _ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard msgflo_curl_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
