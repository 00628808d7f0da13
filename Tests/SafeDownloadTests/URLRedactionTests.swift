import Foundation
import TestSupport
import Testing

@testable import SafeDownload

/// Secrets in source URLs never reach an API answer or a log line.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct URLRedactionTests {
    @Test(arguments: [
        ("https://img.example/a.jpg", "https://img.example/a.jpg"),
        ("https://img.example/a.jpg?w=300&fmt=png#top", "https://img.example/a.jpg?w=300&fmt=png#top"),
        ("https://user:pa55@img.example/a.jpg", "https://REDACTED@img.example/a.jpg"),
        ("https://ghp_tokenasuser@img.example:8443/a.jpg", "https://REDACTED@img.example:8443/a.jpg"),
        ("http://a:b@c@img.example/x@y.jpg", "http://REDACTED@img.example/x@y.jpg"),
        (
            "https://b.s3.amazonaws.com/k.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2026&X-Amz-Signature=abc123&X-Amz-Security-Token=tok",
            "https://b.s3.amazonaws.com/k.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED"
        ),
        (
            "https://acct.blob.core.windows.net/c/a.jpg?sv=2022-11-02&se=2026-12-31&sp=r&sig=Zm9v%3D",
            "https://acct.blob.core.windows.net/c/a.jpg?sv=2022-11-02&se=2026-12-31&sp=r&sig=REDACTED"
        ),
        (
            "https://d.cloudfront.net/a.jpg?Expires=1&Signature=s~s&Key-Pair-Id=K1&Policy=p",
            "https://d.cloudfront.net/a.jpg?Expires=1&Signature=REDACTED&Key-Pair-Id=REDACTED&Policy=REDACTED"
        ),
        (
            "https://img.example/a.jpg?api_key=k&access_token=t&password=p&w=3",
            "https://img.example/a.jpg?api_key=REDACTED&access_token=REDACTED&password=REDACTED&w=3"
        ),
        ("https://img.example/cb#access_token=t&state=s", "https://img.example/cb#access_token=REDACTED&state=s"),
        ("https://img.example/a.jpg?token", "https://img.example/a.jpg?token"),
        ("https://u:p@img.example?sig=1", "https://REDACTED@img.example?sig=REDACTED"),
        ("not a url", "not a url"),
        ("", ""),
    ])
    func redacts(_ url: String, _ expected: String) {
        #expect(URLRedaction.redact(url) == expected)
    }

    @Test func redactsEveryURLInAText() {
        let message = "https://u:p@a.example/x.jpg?sig=1 answered HTTP 404 after a redirect to HTTP://b.example/y?token=2 and http-ish text stays"
        #expect(
            URLRedaction.redactURLs(in: message)
                == "https://REDACTED@a.example/x.jpg?sig=REDACTED answered HTTP 404 after a redirect to HTTP://b.example/y?token=REDACTED and http-ish text stays"
        )
        #expect(URLRedaction.redactURLs(in: "no address here") == "no address here")
    }

    /// A refused download (loopback is not allowed) is logged with its URL redacted.
    @Test func downloadLogsRedactTheURL() async throws {
        let log = LogRecorder()
        let downloader = SafeDownloader(threads: 1, logger: log.logger())
        defer { downloader.shutdown() }
        await #expect(throws: DownloadError.self) { try await downloader.download("http://alice:s3cret@127.0.0.1:9/a.jpg?sig=xyz") }
        let logged = log.text
        #expect(logged.contains("REDACTED@127.0.0.1:9/a.jpg?sig=REDACTED"), "\(logged)")
        #expect(!logged.contains("s3cret") && !logged.contains("xyz"), "\(logged)")
    }
}
