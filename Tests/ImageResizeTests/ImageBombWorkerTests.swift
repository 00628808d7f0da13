import Foundation
import Logging
import MsgFlo
import MsgFloAMQP
import TestSupport
import Testing

@testable import ImageResize

/// A real `imageresize resize` process (the shared RabbitMQ) is sent image
/// bombs from a local server; each fails (or succeeds) with its code and the
/// worker's peak resident memory stays under its 200 MB target. The peak is
/// the kernel's high-water mark (`VmHWM`), not a timing.
@Suite(.serialized, .timeLimit(.minutes(3)), .tags(.amqpIntegration), .logsOnFailure)
struct ImageBombWorkerTests {
    static let targetBytes = 200 << 20

    @Test func aResizeWorkerStaysUnderItsMemoryTargetThroughImageBombs() async throws {
        let bombs: [(path: String, data: Data, spec: (Int?, Int?, Fit), code: String?)] = [
            ("/interlaced16.png", BombImages.interlacedPNG16(width: 10_000, height: 10_000), (300, nil, .inside), "too_many_pixels"),
            ("/bands64.tif", BombImages.floatTIFF(width: 16, height: 16, bands: 64), (4096, 4096, .fill), "unsupported_image"),
            ("/frames10000.gif", BombImages.manyFrameGIF(frames: 10_000, width: 1000, height: 1000), (300, nil, .inside), nil),
        ]
        let files = Dictionary(uniqueKeysWithValues: bombs.map { ($0.path, $0.data) })
        let server = try TestHTTPServer { request in
            files[request.path].map { TestHTTPResponse(headers: ["Content-Type": "application/octet-stream"], data: $0) }
                ?? TestHTTPResponse(status: 404)
        }
        defer { server.stop() }
        let port = server.port

        let role = "test.bombs.\(UUID().uuidString.prefix(8).lowercased())"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(role).log")
        // TIFF allowed, so the 64-band file reaches the band check rather than the format check.
        let worker = try Self.startWorker(
            role: role, log: log,
            environment: [
                "IMAGERESIZE_ALLOW_HOSTS": "127.0.0.1:\(port)", "IMAGERESIZE_INPUT_FORMATS": "jpeg,png,webp,gif,tiff",
            ])
        let transport = try await AMQPTestBroker.connectedTransport()
        var failure: (any Error)?
        do {
            try await Self.send(bombs.map { ($0.path, $0.spec, $0.code) }, port: port, role: role, worker: worker, log: log, transport: transport)
        } catch {
            failure = error
        }
        if worker.isRunning { worker.terminate() }
        worker.waitUntilExit()
        try? await transport.deleteQueue("\(role).IN")
        for port in ["IN", "OUT", "ERROR"] { try? await transport.deleteExchange("\(role).\(port)") }
        await transport.disconnect()
        if let failure { throw failure }
    }

    static func send(
        _ bombs: [(path: String, spec: (Int?, Int?, Fit), code: String?)], port: Int, role: String,
        worker: Process, log: URL, transport: AMQPTransport
    ) async throws {
        #expect(await eventually { Self.read(log).contains("participant started") }, "the worker did not start: \(Self.read(log))")
        let jobID = UUID()
        let imageIDs = bombs.map { _ in UUID() }
        for (bomb, imageID) in zip(bombs, imageIDs) {
            let spec = ImageSpec(url: "http://127.0.0.1:\(port)\(bomb.path)", width: bomb.spec.0, height: bomb.spec.1, fit: bomb.spec.2)
            let request = ResizeRequest(jobID: jobID, imageID: imageID, spec: spec, createdAt: Date())
            try await transport.publish(queue: "\(role).IN", body: request.encoded())
        }
        let finished = await eventually(timeout: .seconds(120)) {
            imageIDs.allSatisfy { Self.outcome(of: $0, in: Self.read(log)) != nil }
        }
        let peak = try Self.peakResidentBytes(of: worker.processIdentifier)
        #expect(finished, "not every image finished: \(Self.read(log))")
        for (bomb, imageID) in zip(bombs, imageIDs) {
            let line = Self.outcome(of: imageID, in: Self.read(log)) ?? ""
            if let code = bomb.code {
                #expect(line.contains("image failed") && line.contains("code=\(code)"), "\(bomb.path): \(line)")
            } else {
                #expect(line.contains("image resized"), "\(bomb.path): \(line)")
            }
        }
        #expect(peak < Self.targetBytes, "peak RSS \(peak >> 20) MB")
        #expect(worker.isRunning)
    }

    /// The log line that reports `image`'s outcome.
    static func outcome(of image: UUID, in log: String) -> String? {
        log.split(separator: "\n").first { $0.contains("image=\(image.uuidString.lowercased())") && $0.contains("image ") }.map(String.init)
    }

    static func read(_ log: URL) -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// `VmHWM` of /proc/PID/status: the most resident memory the process has had.
    static func peakResidentBytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else {
            throw HarnessError("no VmHWM in /proc/\(pid)/status")
        }
        return kilobytes * 1024
    }

    /// `imageresize resize --role ROLE` built next to the tests, on the test broker.
    static func startWorker(role: String, log: URL, environment extra: [String: String]) throws -> Process {
        try BuiltExecutable.imageresize.start(["resize", "--role", role], environment: extra.merging(["LOG_LEVEL": "info"]) { $1 }, log: log)
    }
}
