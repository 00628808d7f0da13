import Foundation
import TestSupport

@testable import SafeDownload

/// The tests' HTTP server answering `DownloadRoutes.standard`.
func downloadServer() throws -> TestHTTPServer {
    try TestHTTPServer(script: DownloadRoutes.standard)
}

extension TestHTTPServer {
    /// An allow-list entry opening exactly this server's 127.0.0.1 host and port.
    var allowEntry: AllowedHost { AllowedHost(host: "127.0.0.1", port: port) }
}

/// Runs a download that must fail and returns its error (nil if it succeeded).
func downloadError(
    _ downloader: SafeDownloader, _ url: String
) async -> DownloadError? {
    do {
        _ = try await downloader.download(url)
        return nil
    } catch {
        return error
    }
}

func downloader(
    allowing servers: [TestHTTPServer] = [],
    extraHosts: [AllowedHost] = [],
    maxBytes: Int = 1_000_000,
    maxRedirects: Int = 5,
    totalTimeout: Duration = .seconds(20),
    threads: Int = 2
) -> SafeDownloader {
    SafeDownloader(
        configuration: DownloadConfiguration(
            connectTimeout: .seconds(5),
            totalTimeout: totalTimeout,
            maxBytes: maxBytes,
            maxRedirects: maxRedirects,
            allowedHosts: servers.map(\.allowEntry) + extraHosts
        ),
        threads: threads
    )
}

func percentEncoded(_ url: String) -> String {
    url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? url
}
