import Foundation
import TestSupport
import Testing

@testable import SafeDownload

/// Live downloads from a real local HTTP server (loopback only: the policy's
/// acceptance of public addresses is tested in `AddressPolicyTests`).
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct SafeDownloaderTests {
    @Test func downloadsBodyAndContentType() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let result = try await downloader(allowing: [server]).download("\(server.baseURL)/file")
        #expect(result.body == TestFixtures.body)
        #expect(result.contentType == "image/png")
        #expect(result.status == 200)
        #expect(result.redirects == 0)
        #expect(result.finalURL == "\(server.baseURL)/file")
    }

    @Test(arguments: [404, 500, 403])
    func reportsHTTPStatus(_ status: Int) async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let error = await downloadError(downloader(allowing: [server]), "\(server.baseURL)/status/\(status)")
        #expect(error?.code == .httpStatus)
        #expect(error?.status == status)
        #expect(error?.reason == "http_status")
    }

    @Test(arguments: [
        "/file", // Content-Length 100 000 over the cap
        "/length-lie", // Content-Length 1e9, no body ever sent: refused up front
        "/chunked/200000", // chunked, no length
        "/close-delimited/200000", // no length, ends at close
        "/endless", // never ends: only the write-callback cap stops it
        "/endless-headers", // headers that never end: the header-callback cap stops them
    ])
    func refusesBodiesOverTheCap(_ path: String) async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let error = await downloadError(downloader(allowing: [server], maxBytes: 65_536), server.baseURL + path)
        #expect(error?.code == .tooLarge)
    }

    @Test(arguments: ["/chunked/65536", "/close-delimited/65536", "/chunked/1000"])
    func acceptsBodiesUpToTheCap(_ path: String) async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let result = try await downloader(allowing: [server], maxBytes: 65_536).download(server.baseURL + path)
        #expect(result.body.count == Int(path.split(separator: "/").last!)!)
    }

    @Test func timesOutOnASlowServer() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let error = await downloadError(
            downloader(allowing: [server], totalTimeout: .milliseconds(500)), "\(server.baseURL)/slow"
        )
        #expect(error?.code == .timeout)
        #expect(server.targets == ["/slow"])
    }

    @Test func refusesLoopbackWithoutAllowList() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let subject = downloader()
        let byAddress = await downloadError(subject, "\(server.baseURL)/file")
        #expect(byAddress?.code == .forbiddenAddress)
        #expect(byAddress?.message.contains("loopback") == true)
        // A name resolving to loopback is caught at connect time, not by its text,
        // and the answer does not say which address it resolved to.
        let byName = await downloadError(subject, "http://localhost:\(server.port)/file")
        #expect(byName?.code == .forbiddenAddress)
        #expect(byName?.message.contains("127.0.0.1") == false)
        #expect(byName?.message.contains("::1") == false)
        #expect(server.targets.isEmpty, "no connection may reach the server")
    }

    @Test(arguments: ["0.0.0.0", "[::ffff:127.0.0.1]", "2130706433", "127.1", "0x7f.1", "[::1]"])
    func refusesLoopbackInEveryNotation(_ host: String) async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let error = await downloadError(downloader(), "http://\(host):\(server.port)/file")
        // [::1] and a port nobody listens on over IPv6 must still be refused by policy, not by the kernel.
        #expect(error?.code == .forbiddenAddress)
        #expect(server.targets.isEmpty)
    }

    @Test func reportsTLSFailureAsDownloadFailed() async throws {
        let server = try downloadServer() // speaks plain HTTP, so the TLS handshake fails
        defer { server.stop() }
        let error = await downloadError(
            downloader(allowing: [server]), "https://127.0.0.1:\(server.port)/file"
        )
        #expect(error?.code == .downloadFailed)
    }

    @Test func refusesRedirectFromAllowedHostToAnotherLoopbackHost() async throws {
        let allowed = try downloadServer()
        let other = try downloadServer()
        defer {
            allowed.stop()
            other.stop()
        }
        let byName = "\(allowed.baseURL)/redirect?to=" + percentEncoded("http://localhost:\(other.port)/file")
        let byPort = "\(allowed.baseURL)/redirect?to=" + percentEncoded("\(other.baseURL)/file")
        let subject = downloader(allowing: [allowed])
        #expect(await downloadError(subject, byName)?.code == .forbiddenAddress)
        #expect(await downloadError(subject, byPort)?.code == .forbiddenAddress)
        #expect(other.targets.isEmpty)
        #expect(allowed.targets.count == 2)
    }

    @Test func followsRedirectToAnotherAllowedHost() async throws {
        let first = try downloadServer()
        let second = try downloadServer()
        defer {
            first.stop()
            second.stop()
        }
        let target = "http://localhost:\(second.port)/file"
        let subject = downloader(allowing: [first], extraHosts: [AllowedHost(host: "localhost", port: second.port)])
        let result = try await subject.download("\(first.baseURL)/redirect?to=" + percentEncoded(target))
        #expect(result.body == TestFixtures.body)
        #expect(result.redirects == 1)
        #expect(result.finalURL == target)
    }

    @Test func followsRedirectsUpToTheLimit() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let subject = downloader(allowing: [server], maxRedirects: 3)
        let result = try await subject.download("\(server.baseURL)/chain/3")
        #expect(result.body == Array("end".utf8))
        #expect(result.redirects == 3)
        #expect(await downloadError(subject, "\(server.baseURL)/chain/4")?.code == .tooManyRedirects)
        #expect(await downloadError(downloader(allowing: [server], maxRedirects: 0), "\(server.baseURL)/chain/1")?.code == .tooManyRedirects)
    }

    @Test(arguments: [
        "file:///etc/passwd", "FILE:///etc/passwd", "file:/etc/passwd", "ftp://example.com/a.png",
        "gopher://example.com/", "dict://example.com/", "javascript:alert(1)", "data:image/png;base64,AAAA",
    ])
    func refusesOtherSchemes(_ url: String) async {
        let error = await downloadError(downloader(), url)
        #expect(error?.code == .unsupportedScheme)
    }

    @Test func refusesRedirectToFileScheme() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let url = "\(server.baseURL)/redirect?to=" + percentEncoded("file:///etc/passwd")
        #expect(await downloadError(downloader(allowing: [server]), url)?.code == .unsupportedScheme)
    }

    @Test(arguments: [
        "", "not a url", "http://", "http://:80/image.png", "http://@/image.png", "http://exa mple.com/a.png",
        "//example.com/a.png", "http://[::1/a.png", "http://example.com:99999/a.png",
    ])
    func refusesMalformedURL(_ url: String) async {
        let error = await downloadError(downloader(), url)
        #expect(error?.code == .invalidURL)
    }

    @Test func reportsConnectionRefusedAsDownloadFailed() async throws {
        let closed = try downloadServer()
        closed.stop()
        let error = await downloadError(downloader(allowing: [closed]), "\(closed.baseURL)/file")
        #expect(error?.code == .downloadFailed)
    }

    @Test func runsManyDownloadsOnFewThreads() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let subject = downloader(allowing: [server], threads: 2)
        let bodies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask { try await subject.download("\(server.baseURL)/file").body }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.count == 8)
        #expect(bodies.allSatisfy { $0 == TestFixtures.body })
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let subject = downloader(allowing: [server], totalTimeout: .seconds(60))
        let task = Task { await downloadError(subject, "\(server.baseURL)/slow") }
        try await waitUntil("the server to see the request", timeout: .seconds(20)) { !server.targets.isEmpty }
        task.cancel()
        #expect(await task.value?.code == .cancelled)
    }

    @Test func failsAfterShutdown() async throws {
        let server = try downloadServer()
        defer { server.stop() }
        let subject = downloader(allowing: [server])
        subject.shutdown()
        #expect(await downloadError(subject, "\(server.baseURL)/file")?.code == .cancelled)
    }

    @Test func downloadsBlockingOnTheCallingThread() throws {
        let server = try downloadServer()
        defer { server.stop() }
        let subject = downloader(allowing: [server])
        #expect(try subject.downloadBlocking("\(server.baseURL)/file").body == TestFixtures.body)
        #expect(throws: DownloadError.self) { _ = try downloader().downloadBlocking("\(server.baseURL)/file") }
    }

    @Test func sessionReusesItsHandleAcrossDownloads() throws {
        let server = try downloadServer()
        defer { server.stop() }
        let session = DownloadSession(configuration: DownloadConfiguration(allowedHosts: [server.allowEntry]))
        #expect(try session.download("\(server.baseURL)/file").body == TestFixtures.body)
        #expect(
            throws: DownloadError(
                .httpStatus, status: 404,
                message: "http://127.0.0.1:\(server.port)/status/404 answered HTTP 404; check that the image URL is right and public")
        ) {
            _ = try session.download("\(server.baseURL)/status/404")
        }
        #expect(try session.download("\(server.baseURL)/chain/1").body == Array("end".utf8))
    }
}
