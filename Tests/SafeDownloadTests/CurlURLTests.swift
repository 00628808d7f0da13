import TestSupport
import Testing

@testable import SafeDownload

/// The host and port the allow-list is matched against come from libcurl's parser.
@Suite(.logsOnFailure) struct CurlURLTests {
    @Test(arguments: [
        ("http://example.com/a.png", "http", "example.com", 80),
        ("https://Example.COM/a.png", "https", "example.com", 443),
        ("HTTP://example.com:8089/a.png", "http", "example.com", 8089),
        ("http://[::1]:8080/a.png", "http", "[::1]", 8080),
        ("http://user:pass@localhost/a.png", "http", "localhost", 80),
        ("http://127.0.0.1:8089", "http", "127.0.0.1", 8089),
    ])
    func parsesSchemeHostAndPort(_ text: String, _ scheme: String, _ host: String, _ port: Int) throws {
        let url = try CurlURL(text)
        #expect(url.scheme == scheme)
        #expect(url.host == host)
        #expect(url.port == port)
    }

    @Test(arguments: [
        ("file:///etc/passwd", "file"), ("ftp://x/y", "ftp"), ("localhost:8080/a.png", "localhost"),
        ("mailto:a@b.c", "mailto"),
    ])
    func reportsSchemeOfNonHTTPURL(_ text: String, _ scheme: String) {
        #expect(CurlURL.schemePrefix(of: text) == scheme)
        #expect(throws: DownloadError.self) { try CurlURL(text) }
    }

    @Test(arguments: ["/a.png", "127.0.0.1:80/a.png", "1http://x", ""])
    func findsNoSchemeWhereThereIsNone(_ text: String) {
        #expect(CurlURL.schemePrefix(of: text) == nil)
    }
}
