import TestSupport
import Testing

@testable import SafeDownload

@Suite(.logsOnFailure) struct AllowListTests {
    @Test(arguments: [
        ("localhost", AllowedHost(host: "localhost")),
        ("localhost:8089", AllowedHost(host: "localhost", port: 8089)),
        (" Images.Internal ", AllowedHost(host: "images.internal")),
        ("127.0.0.1:80", AllowedHost(host: "127.0.0.1", port: 80)),
        ("[::1]", AllowedHost(host: "[::1]")),
        ("[::1]:8080", AllowedHost(host: "[::1]", port: 8080)),
    ])
    func parsesEntry(_ entry: String, _ expected: AllowedHost) {
        #expect(AllowedHost(parsing: entry) == expected)
    }

    @Test(arguments: [
        "", "  ", "host:", "host:0", "host:70000", "host:x", "::1", "[::1", "[::1]x",
        "http://host", "user@host", ":80",
    ])
    func rejectsMalformedEntry(_ entry: String) {
        #expect(AllowedHost(parsing: entry) == nil)
    }

    @Test(arguments: [
        ("localhost:8089", "localhost", 8089, true),
        ("localhost:8089", "LOCALHOST", 8089, true),
        ("localhost:8089", "localhost", 8090, false),
        ("localhost:8089", "127.0.0.1", 8089, false),
        ("localhost", "localhost", 80, true),
        ("localhost", "localhost", 443, true),
        ("localhost", "localhost", 1234, false), // without a port: 80 and 443 only
        ("localhost", "localhost", 5432, false),
        ("localhost", "localhost.", 1234, false),
        ("localhost", "evil-localhost", 1234, false),
        ("[::1]:80", "[::1]", 80, true),
    ])
    func matchesHostAndPort(_ entry: String, _ host: String, _ port: Int, _ expected: Bool) throws {
        let allowed = try #require(AllowedHost(parsing: entry))
        #expect(allowed.matches(host: host, port: port) == expected)
    }

    @Test func readsEnvironment() throws {
        let configuration = try DownloadConfiguration.fromEnvironment(
            ["IMAGERESIZE_ALLOW_HOSTS": "localhost:8089, images.internal,,"]
        )
        #expect(
            configuration.allowedHosts == [
                AllowedHost(host: "localhost", port: 8089), AllowedHost(host: "images.internal"),
            ])
        #expect(try DownloadConfiguration.fromEnvironment([:]).allowedHosts.isEmpty)
    }

    @Test func reportsMalformedEnvironmentEntry() {
        #expect(throws: DownloadConfigurationError(entry: " bad:port")) {
            try DownloadConfiguration.fromEnvironment(["IMAGERESIZE_ALLOW_HOSTS": "localhost, bad:port"])
        }
    }
}
