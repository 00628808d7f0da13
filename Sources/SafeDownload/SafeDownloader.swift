import Logging
import Primitives

/// Downloads user-submitted image URLs without letting them reach the
/// service's own network (SSRF), hang a worker or exhaust its memory:
/// http/https only, every connected address checked, byte cap, timeouts,
/// redirect limit. Transfers run on a small pool of dedicated threads, each
/// reusing one libcurl handle; size the pool like the worker's concurrency.
public final class SafeDownloader: Sendable {
    public let configuration: DownloadConfiguration
    /// One `DownloadSession` per thread: its handle keeps connections (and TLS
    /// sessions) open between downloads; the thread count bounds transfers.
    private let pool: BlockingPool<DownloadSession>
    private let logger: Logger

    public init(
        configuration: DownloadConfiguration = DownloadConfiguration(),
        threads: Int = 4,
        logger: Logger = Logger(label: "SafeDownload")
    ) {
        self.configuration = configuration
        // Callers bound their own downloads in flight (prefetch): never refuse one for queue length.
        self.pool = BlockingPool(threads: max(1, threads), queueCapacity: .max, name: "SafeDownload") {
            DownloadSession(configuration: configuration)
        }
        self.logger = logger
    }

    deinit {
        pool.shutdown()
    }

    /// Downloads `url` on a pool thread. Task cancellation aborts the transfer
    /// within about a second and throws `.cancelled`.
    public func download(_ url: String) async throws(DownloadError) -> DownloadResult {
        let cancellation = CancellationFlag()
        let result: Result<DownloadResult, DownloadError>
        do {
            result = try await withTaskCancellationHandler {
                try await pool.run { session in
                    Result { () throws(DownloadError) in try session.download(url, cancellation: cancellation) }
                }
            } onCancel: {
                cancellation.cancel()
            }
        } catch is CancellationError {
            result = .failure(DownloadError(.cancelled, message: "download of \(url) was cancelled"))
        } catch {
            // BlockingPoolError.shutDown (the queue has no limit, so never queueFull).
            result = .failure(DownloadError(.cancelled, message: "the downloader was shut down before \(url) could be fetched"))
        }
        log(url, result)
        return try result.get()
    }

    /// Downloads on the calling thread, for callers already on a dedicated
    /// thread. Uses a fresh handle each call (no connection reuse); keep a
    /// `DownloadSession` on that thread instead when that matters.
    public func downloadBlocking(_ url: String) throws(DownloadError) -> DownloadResult {
        let result: Result<DownloadResult, DownloadError>
        do {
            result = .success(try DownloadSession(configuration: configuration).download(url))
        } catch {
            result = .failure(error)
        }
        log(url, result)
        return try result.get()
    }

    /// Lets the pool threads exit after the queued downloads; later calls
    /// fail with `.cancelled`. Also happens when the downloader is released.
    public func shutdown() {
        pool.shutdown()
    }

    private func log(_ given: String, _ result: Result<DownloadResult, DownloadError>) {
        let url = URLRedaction.redact(given) // never a password or a signature in a log
        switch result {
        case .success(let download):
            logger.debug(
                "downloaded",
                metadata: [
                    "url": "\(url)", "bytes": "\(download.body.count)", "redirects": "\(download.redirects)",
                    "content_type": "\(download.contentType ?? "")",
                ])
        case .failure(let error) where error.code == .forbiddenAddress:
            logger.warning(
                "download refused",
                metadata: ["url": "\(url)", "reason": "\(error.reason)", "error": "\(URLRedaction.redactURLs(in: error.message))"])
        case .failure(let error):
            logger.info(
                "download failed", metadata: ["url": "\(url)", "reason": "\(error.reason)", "error": "\(URLRedaction.redactURLs(in: error.message))"])
        }
    }
}
