import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The tests' one HTTP server: HTTP/1.1 on 127.0.0.1 and a free port, written
/// with POSIX sockets so a test controls the wire exactly (slow or endless
/// bodies, lying lengths, redirects, resets) when it tests an HTTP client
/// (libcurl in SafeDownload, the load test's client, URLSession), and serving
/// a `Router` when a test only needs a peer (guv's formation API, images for
/// a resize worker). Tests of the HTTPServer module itself use that server.
///
/// One thread accepts, one thread serves each connection; every answer closes
/// its connection. Script it at one of three levels:
/// - `init(respond:)`: a canned `TestHTTPResponse` per request;
/// - `init(router:)`: the project's `Router` (see TestHTTPServer+Router.swift);
/// - `init(script:)`: the raw connection, to write whatever bytes the test needs.
public final class TestHTTPServer: Sendable {
    public typealias Script = @Sendable (_ request: TestHTTPRequest, _ connection: TestHTTPConnection) -> Void

    public let port: Int
    private let listener: Int32
    private let state = Mutex<(requests: [TestHTTPRequest], stopped: Bool)>(([], false))

    /// Starts listening and serving at once; `stop()` ends it.
    public init(script: @escaping Script) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw TestServerError("socket: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            let failure = errno
            close(listener)
            throw TestServerError("bind/listen on 127.0.0.1: errno \(failure)")
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop(script) }
    }

    /// Answers every request with what `respond` returns.
    public convenience init(respond: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse) throws {
        try self.init { request, connection in connection.respond(respond(request)) }
    }

    /// `http://127.0.0.1:PORT`, to put paths after.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` followed by `path` (which starts with `/`), as a URL.
    public func url(_ path: String = "") -> URL {
        guard let url = URL(string: baseURL + path) else { preconditionFailure("not a URL path: \(path)") }
        return url
    }

    /// The requests received so far, in order.
    public var requests: [TestHTTPRequest] { state.withLock { $0.requests } }

    /// The request targets (path and query) received so far, in order.
    public var targets: [String] { requests.map(\.target) }

    /// Stops accepting: the accept thread wakes (or never blocks) and closes
    /// the listener. Connections being served finish on their own.
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ script: @escaping Script) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                // Closed here once stopped, not in stop(): were stop() to close
                // it, a later server could get the same descriptor number
                // before this thread calls accept, and this thread would steal
                // that server's connections (a hang seen in SafeDownloadTests).
                if state.withLock({ $0.stopped }) {
                    close(listener)
                    return
                }
                usleep(1000) // EINTR, ECONNABORTED, EMFILE...: try again
                continue
            }
            Thread.detachNewThread { [self] in
                let connection = TestHTTPConnection(socket: client)
                defer { connection.close() }
                guard let request = connection.readRequest() else { return }
                state.withLock { $0.requests.append(request) }
                script(request, connection)
            }
        }
    }
}

/// The test server could not start.
public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
