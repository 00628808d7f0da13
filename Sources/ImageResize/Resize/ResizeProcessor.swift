import Foundation
import MsgFlo
import Primitives
import SafeDownload
import Vips

/// Makes one image: download (SSRF-safe, capped), check the header, thumbnail,
/// encode. Every failure of the image becomes an `ImageFailure` with a reason
/// code; nothing here crashes the worker.
///
/// Downloads run on the downloader's threads and libvips on the caller's
/// blocking pool, never on the cooperative pool.
public struct ResizeProcessor: Sendable {
    public var downloader: SafeDownloader
    public var thumbnailer: Thumbnailer

    public init(downloader: SafeDownloader, thumbnailer: Thumbnailer) {
        self.downloader = downloader
        self.thumbnailer = thumbnailer
    }

    public init(config: ServiceConfig) throws {
        var download = DownloadConfiguration()
        download.connectTimeout = .milliseconds(Int(config.downloadConnectTimeout * 1000))
        download.totalTimeout = .milliseconds(Int(config.downloadTimeout * 1000))
        download.maxBytes = config.maxDownloadBytes
        download.maxRedirects = config.maxRedirects
        download.allowedHosts = try DownloadConfiguration.parseAllowList(config.allowHosts.joined(separator: ","))
        // Every message in flight may be downloading: the ones being resized' successors too.
        downloader = SafeDownloader(configuration: download, threads: max(1, config.resizeConcurrency + config.downloadAhead))
        thumbnailer = Thumbnailer(
            maxPixels: config.maxPixels, maxDimension: config.limits.maxDimension,
            acceptedFormats: config.inputFormats)
        thumbnailer.maxMemoryBytes = config.maxImageMemory
        thumbnailer.cpuSecondsPerImage = config.resizeCPUSeconds
        thumbnailer.prunesProgressiveJPEGScans = config.prunesProgressiveJPEGScans
    }

    /// Downloads on the downloader's threads, then resizes on `pool`: with a
    /// prefetch above the pool's threads, a worker fetches its next image
    /// while it resizes this one, and its CPU does not idle on the network.
    /// `startedAt` is when the download began. Throws, rather than report
    /// the image failed, only when the work was interrupted: the task was
    /// cancelled (`CancellationError`) or `pool` shut down or full
    /// (`BlockingPoolError`); the message should then be retried.
    public func process(
        _ request: ResizeRequest, resizingOn pool: BlockingPool<Void>,
        clock: @escaping @Sendable () -> Date = Date.init
    ) async throws -> ResizeOutcome {
        let started = clock()
        let download: DownloadResult
        do {
            download = try await downloader.download(request.spec.url)
        } catch {
            if error.code == .cancelled, Task.isCancelled { throw CancellationError() }
            return failure(request, started, clock(), Self.failure(error))
        }
        return try await pool.run { resizeBlocking(request, download.body, started: started, clock: clock) }
    }

    /// The libvips part, blocking: header check, thumbnail, encode.
    func resizeBlocking(_ request: ResizeRequest, _ body: some ContiguousBytes, started: Date, clock: () -> Date) -> ResizeOutcome {
        let spec = request.spec
        do {
            let thumbnail = try thumbnailer.thumbnail(
                body, width: spec.width, height: spec.height, fit: Self.fit(spec.fit),
                format: Self.format(spec.format), quality: spec.quality)
            return ResizeOutcome(
                jobID: request.jobID, imageID: request.imageID, startedAt: started, finishedAt: clock(),
                result: .init(width: thumbnail.width, height: thumbnail.height, format: spec.format, data: thumbnail.data))
        } catch {
            return failure(request, started, clock(), Self.failure(error))
        }
    }

    private func failure(_ request: ResizeRequest, _ started: Date, _ finished: Date, _ failure: ImageFailure) -> ResizeOutcome {
        ResizeOutcome(jobID: request.jobID, imageID: request.imageID, startedAt: started, finishedAt: finished, error: failure)
    }

    static func fit(_ fit: Fit) -> ThumbnailFit {
        switch fit {
        case .inside: .inside
        case .cover: .cover
        case .fill: .fill
        }
    }

    static func format(_ format: OutputFormat) -> ThumbnailFormat {
        switch format {
        case .jpeg: .jpeg
        case .png: .png
        case .webp: .webp
        }
    }

    /// Download errors keep their reason code (download_failed, http_status, too_large, timeout, ...).
    /// The message names the URL fetched: its credentials are redacted here, before it is sent anywhere.
    static func failure(_ error: DownloadError) -> ImageFailure {
        ImageFailure(code: error.code.rawValue, message: URLRedaction.redactURLs(in: error.message))
    }

    static func failure(_ error: VipsError) -> ImageFailure {
        let code =
            switch error {
            case .notAnImage, .unsupportedFormat: "not_an_image"
            case .tooManyPixels, .tooMuchMemory: "too_many_pixels"
            case .unsupportedPixels: "unsupported_image"
            case .cpuTimeExceeded: "decode_timeout"
            case .decodeFailed: "decode_failed"
            case .encodeFailed: "encode_failed"
            case .invalidRequest: "invalid_request"
            case .initializationFailed: "internal"
            }
        return ImageFailure(code: code, message: error.description)
    }
}
