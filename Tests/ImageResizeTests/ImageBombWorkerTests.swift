import Foundation
import HTTPServer
import Logging
import MsgFlo
import MsgFloAMQP
import Testing
import TestSupport
@testable import ImageResize

/// A real `imageresize resize` process (the shared RabbitMQ) is sent image
/// bombs from a local server; each fails (or succeeds) with its code and the
/// worker's peak resident memory stays under its 200 MB target. The peak is
/// the kernel's high-water mark (`VmHWM`), not a timing.
@Suite(.serialized, .timeLimit(.minutes(3)), .tags(.amqpIntegration))
struct ImageBombWorkerTests {
    static let targetBytes = 200 << 20

    @Test func aResizeWorkerStaysUnderItsMemoryTargetThroughImageBombs() async throws {
        let bombs: [(path: String, data: Data, spec: (Int?, Int?, Fit), code: String?)] = [
            ("/interlaced16.png", BombImages.interlacedPNG16(width: 10_000, height: 10_000), (300, nil, .inside), "too_many_pixels"),
            ("/bands64.tif", BombImages.floatTIFF(width: 16, height: 16, bands: 64), (4096, 4096, .fill), "unsupported_image"),
            ("/frames10000.gif", BombImages.manyFrameGIF(frames: 10_000, width: 1000, height: 1000), (300, nil, .inside), nil),
        ]
        var router = Router()
        for bomb in bombs {
            let body = Array(bomb.data)
            router.get(bomb.path) { _ in HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: body) }
        }
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = false
        let server = HTTPServer(configuration: configuration, router: router, logger: WebAPIHarness.quiet)
        let port = try server.start()
        let serving = Task { try await server.run() }
        defer { server.shutdown() }

        let role = "test.bombs.\(UUID().uuidString.prefix(8).lowercased())"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(role).log")
        // TIFF allowed, so the 64-band file reaches the band check rather than the format check.
        let worker = try Self.startWorker(role: role, log: log, environment: [
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
        try? FileManager.default.removeItem(at: log)
        server.shutdown()
        try await serving.value
        if let failure { throw failure }
    }

    static func send(_ bombs: [(path: String, spec: (Int?, Int?, Fit), code: String?)], port: Int, role: String,
                     worker: Process, log: URL, transport: AMQPTransport) async throws {
        #expect(await amqpEventually { Self.read(log).contains("participant started") }, "the worker did not start: \(Self.read(log))")
        let jobID = UUID()
        let imageIDs = bombs.map { _ in UUID() }
        for (bomb, imageID) in zip(bombs, imageIDs) {
            let spec = ImageSpec(url: "http://127.0.0.1:\(port)\(bomb.path)", width: bomb.spec.0, height: bomb.spec.1, fit: bomb.spec.2)
            let request = ResizeRequest(jobID: jobID, imageID: imageID, spec: spec, createdAt: Date())
            try await transport.publish(queue: "\(role).IN", body: request.encoded())
        }
        let finished = await amqpEventually(timeout: .seconds(120)) {
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
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            throw HarnessError("no VmHWM in /proc/\(pid)/status")
        }
        return kilobytes * 1024
    }

    /// `imageresize resize --role ROLE` built next to the tests, on the test broker.
    static func startWorker(role: String, log: URL, environment extra: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = ImageResizeBinary.url
        process.arguments = ["resize", "--role", role]
        var environment = ProcessInfo.processInfo.environment
        environment["MSGFLO_BROKER"] = environment["MSGFLO_TEST_BROKER"] ?? "amqp://guest:guest@localhost:5672"
        environment["LOG_LEVEL"] = "info"
        process.environment = environment.merging(extra) { $1 }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}

/// The `imageresize` executable built next to the tests (`swift build --build-tests` builds it).
enum ImageResizeBinary {
    static var url: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("imageresize").path,
                          root.appendingPathComponent(".build/debug/imageresize").path]
        return URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1])
    }

    /// Runs `imageresize ARGS` to its end; its exit status and what it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, String(decoding: output, as: UTF8.self))
    }
}
