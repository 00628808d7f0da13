import Foundation
import TestSupport

/// What the download tests' server answers, by path; see each case.
enum DownloadRoutes {
    /// The standard routes, as a script for `TestHTTPServer(script:)`.
    static let standard: TestHTTPServer.Script = { request, connection in
        let path = request.target
        let parts = path.split(separator: "?", maxSplits: 1)
        let route = parts.first.map(String.init) ?? path
        let query = parts.count > 1 ? String(parts[1]) : ""
        let segments = route.split(separator: "/").map(String.init)
        switch segments.first {
        case "file": // 200 with a known body
            connection.respond(status: 200, headers: ["Content-Type": "image/png"], body: TestFixtures.body)
        case "status": // /status/404
            connection.respond(status: Int(segments.last ?? "") ?? 500, headers: ["Content-Type": "text/plain"], body: Array("status".utf8))
        case "length-lie": // announces a huge body, sends nothing, waits
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n")
            connection.waitForPeerClose(seconds: 30)
        case "chunked": // /chunked/<bytes>: chunked body, no length
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            var left = Int(segments.last ?? "") ?? 0
            while left > 0 {
                let size = min(left, 16_384)
                guard connection.sendChunk(size: size) else { return }
                left -= size
            }
            connection.send("0\r\n\r\n")
        case "endless": // chunked body that never ends
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            while connection.sendChunk(size: 16_384) {}
        case "close-delimited": // /close-delimited/<bytes>: no length, body ends at close
            connection.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            connection.send(bytes: [UInt8](repeating: 0x61, count: Int(segments.last ?? "") ?? 0))
        case "endless-headers": // a header section that never ends
            connection.send("HTTP/1.1 200 OK\r\n")
            while connection.send("X-Filler: " + String(repeating: "f", count: 1000) + "\r\n") {}
        case "slow": // never answers; waits until the client gives up
            connection.waitForPeerClose(seconds: 30)
        case "redirect": // /redirect?to=<percent-encoded URL>
            let target = query.hasPrefix("to=") ? String(query.dropFirst(3)).removingPercentEncoding ?? "" : ""
            connection.respond(status: 302, headers: ["Location": target], body: [])
        case "chain": // /chain/<n>: n relative redirects, then 200 "end"
            let left = Int(segments.last ?? "") ?? 0
            if left > 0 {
                connection.respond(status: 302, headers: ["Location": "/chain/\(left - 1)"], body: [])
            } else {
                connection.respond(status: 200, headers: ["Content-Type": "text/plain"], body: Array("end".utf8))
            }
        default:
            connection.respond(status: 404, headers: [:], body: [])
        }
    }
}

enum TestFixtures {
    /// 100 000 deterministic pseudo-random bytes.
    static let body: [UInt8] = {
        var state: UInt32 = 2_463_534_242
        return (0..<100_000).map { _ in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
    }()
}
