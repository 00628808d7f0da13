import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// A client that pipelines requests and never reads their answers: the
/// server stops reading it once 1 MiB of answers wait, so its memory stays
/// flat, and closes it when the write deadline passes with no progress.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure, .serialized) struct SlowReaderTests {
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kb * 1024
    }

    @Test func aClientThatNeverReadsCannotGrowMemoryAndIsClosed() async throws {
        try await withServer({ $0.writeTimeout = .seconds(1) }) { port in
            try await onThread {
                let client = try TestClient(port: port, timeoutSeconds: 15)
                let before = Self.residentBytes()
                // 2,000 answers of 256 KiB: 500 MiB if the server buffered them all.
                let batch = String(repeating: "GET /big/256 HTTP/1.1\r\nHost: x\r\n\r\n", count: 2_000)
                try client.send(batch)
                usleep(1_500_000)
                let grown = Self.residentBytes() - before
                #expect(grown < 64 << 20, "the server buffered \(grown >> 20) MiB for a client that reads nothing")

                // Past the write deadline the connection is closed: reading ends, with at most
                // what the kernel's buffers and the server's 1 MiB backlog held.
                let started = Date()
                var received = 0
                do { received = try client.readUntilClosed().count } catch {}
                #expect(Date().timeIntervalSince(started) < 10, "the server never closed the connection")
                #expect(received < 32 << 20, "received \(received >> 20) MiB")
            }
        }
    }
}
