import Testing

@testable import SafeDownload

/// Download errors reach API clients: libcurl's text keeps what the client
/// sent but loses the addresses the service's resolver found.
@Suite struct ErrorDetailTests {
    @Test(arguments: [
        (
            "Failed to connect to images.example port 80 after 3 ms: Could not connect to 10.1.2.3",
            "http://images.example/a.jpg",
            "Failed to connect to images.example port 80 after 3 ms: Could not connect to an address"
        ),
        ("connect to [fd00::5]:443 failed", "https://img.example/", "connect to [an address]:443 failed"),
        ("Failed to connect to 10.0.0.7:8080", "http://img.example:8080/", "Failed to connect to an address:8080"),
        ("Connection to 203.0.113.9 refused.", "http://203.0.113.9/x.png", "Connection to 203.0.113.9 refused."), // the client's own
        (
            "SSL certificate problem: unable to get local issuer certificate", "https://a.example/",
            "SSL certificate problem: unable to get local issuer certificate"
        ),
        ("timeout 1.5 s, 10.0 retries", "http://a.example/", "timeout 1.5 s, 10.0 retries"),
        ("", "http://a.example/", ""),
    ])
    func addressesTheURLDidNotNameAreHidden(_ detail: String, _ url: String, _ expected: String) {
        #expect(TransferFailure.withoutAddresses(detail, notIn: url) == expected)
    }
}
