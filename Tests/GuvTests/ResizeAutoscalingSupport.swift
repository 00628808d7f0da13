import Foundation
import Testing
@testable import Guv
#if canImport(Glibc)
import Glibc
#endif

extension Tag {
    /// Starts a private RabbitMQ and real resize workers (a minute or two); skip it with
    /// `--skip ResizeAutoscaling` or GUV_SKIP_RESIZE_AUTOSCALING=1.
    @Tag static var resizeAutoscaling: Self
}

/// A failure of the test's own machinery (broker, image server, executables), with what to check.
struct ResizeAutoscalingError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Paths the test needs: the checkout (for scripts/services) and the built executables.
enum ResizeAutoscalingPaths {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `imageresize`, next to the test bundle after `swift build --build-tests`.
    static func imageresize() throws -> URL {
        let url = GuvBinary.url.deletingLastPathComponent().appendingPathComponent("imageresize")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw ResizeAutoscalingError("no imageresize executable at \(url.path); run `swift build --build-tests` (it builds all products) first")
        }
        return url
    }

    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guv-resize-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs a command to completion with its output appended to a log file.
///
/// Foundation's `Process` never saw `scripts/services` exit (the RabbitMQ it leaves
/// running in the background keeps Foundation's exit monitor open), so this uses the
/// local formation's `ChildProcess`, which reaps with waitpid on its own thread.
@discardableResult
func runToCompletion(_ arguments: [String], environment: [String: String] = [:], log: URL) async throws -> Int32 {
    if !FileManager.default.fileExists(atPath: log.path) {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: log)
    handle.seekToEndOfFile()
    let output = LineLog()
    let command = "exec " + arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        do {
            _ = try ChildProcess(command: command, environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                                 onLine: { output.append($0) }, onExit: { continuation.resume(returning: $0) })
        } catch {
            continuation.resume(throwing: error)
        }
    }
    // The reader thread may still be delivering the last lines.
    _ = await eventually(patience: 2) { output.lines.count > 0 }
    handle.write(Data(output.lines.map { $0 + "\n" }.joined().utf8))
    try? handle.close()
    return status
}

/// True when nothing listens on and nothing is bound to the TCP port on localhost.
func tcpPortIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = INADDR_ANY
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A RabbitMQ of this test alone, started and stopped with `scripts/services`, so the
/// shared broker's `resize.IN` is never touched.
struct PrivateRabbitMQ {
    let port: Int
    let managementPort: Int
    let directory: URL

    var amqpURL: String { "amqp://guest:guest@localhost:\(port)" }
    var managementURL: String { "http://guest:guest@localhost:\(managementPort)" }
    private var environment: [String: String] {
        ["SERVICES_DIR": directory.path, "RABBITMQ_PORT": "\(port)", "RABBITMQ_MANAGEMENT_PORT": "\(managementPort)"]
    }
    private var script: String { ResizeAutoscalingPaths.repository.appendingPathComponent("scripts/services").path }
    var log: URL { directory.appendingPathComponent("services.log") }

    /// Picks the first candidate whose AMQP, management and distribution ports are free.
    init(directory: URL, candidates: [Int] = [5747, 5753, 5759, 5767, 5773]) throws {
        guard let port = candidates.first(where: { tcpPortIsFree($0) && tcpPortIsFree($0 + 10000) && tcpPortIsFree($0 + 20000) }) else {
            throw ResizeAutoscalingError("no free port for a private RabbitMQ among \(candidates) (+10000, +20000); stop a leftover one with scripts/services stop")
        }
        self.port = port
        managementPort = port + 10000
        self.directory = directory
    }

    func start() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let status = try await runToCompletion(["/bin/bash", script, "start", "rabbitmq"], environment: environment, log: log)
        guard status == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw ResizeAutoscalingError("private RabbitMQ on \(port) did not start (status \(status)):\n\(output)\nsee \(directory.path)/rabbitmq/log")
        }
    }

    func stop() async {
        _ = try? await runToCompletion(["/bin/bash", script, "stop", "rabbitmq"], environment: environment,
                                       log: directory.appendingPathComponent("services-stop.log"))
    }

    /// Start a private broker, run `body`, and stop the broker whatever happened.
    static func with(directory: URL, _ body: (PrivateRabbitMQ) async throws -> Void) async throws {
        let rabbit = try PrivateRabbitMQ(directory: directory)
        do {
            try await rabbit.start()
            try await body(rabbit)
        } catch {
            await rabbit.stop()
            throw error
        }
        await rabbit.stop()
    }
}

/// `python3 -m http.server` on a free port, serving the test images. Run as a
/// `ChildProcess` (own process group, default signal dispositions) so SIGTERM stops it.
final class ImageServer {
    let process: ChildProcess
    let port: Int

    init(directory: URL) async throws {
        let output = LineLog()
        let process = try ChildProcess(command: "exec python3 -u -m http.server 0 --bind 127.0.0.1 --directory '\(directory.path)' 2>/dev/null",
                                   environment: ProcessInfo.processInfo.environment,
                                   onLine: { output.append($0) }, onExit: { _ in })
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        func announced() -> Int? {
            guard let line = output.lines.first(where: { $0.contains("Serving HTTP") }),
                  let range = line.range(of: #"port \d+"#, options: .regularExpression) else { return nil }
            return Int(line[range].dropFirst(5))
        }
        _ = await eventually(patience: 20) { announced() != nil || !process.isRunning }
        guard let port = announced() else {
            process.signal(SIGKILL)
            throw ResizeAutoscalingError("python3 -m http.server did not say its port (got \(output.lines)); is python3 installed?")
        }
        self.process = process
        self.port = port
    }

    /// SIGTERM now, SIGKILL in 3 s if it is still running (no thread waits for it).
    func stop() {
        process.signal(SIGTERM)
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) {
            if process.isRunning { process.signal(SIGKILL) }
        }
    }
}

/// JPEGs of 2400x1800 noise made with the `vips` CLI, so decoding and encoding take
/// real work (0.1-0.5 s an image on a busy 2-core machine).
func makeTestImages(in directory: URL, count: Int = 2) async throws -> [String] {
    var names: [String] = []
    for i in 0..<count {
        let raw = directory.appendingPathComponent("noise\(i).v").path
        let name = "image\(i).jpg"
        let log = directory.appendingPathComponent("vips.log")
        let noise = try await runToCompletion(["vips", "gaussnoise", raw, "\(2400 + 200 * i)", "1800", "--mean", "128", "--sigma", "40"], log: log)
        let cast = noise == 0 ? try await runToCompletion(["vips", "cast", raw, directory.appendingPathComponent(name).path, "uchar"], log: log) : noise
        guard cast == 0 else {
            throw ResizeAutoscalingError("`vips` could not make a test image (install libvips-tools): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        try? FileManager.default.removeItem(atPath: raw)
        names.append(name)
    }
    return names
}

/// Splits a stream's chunks into lines for a LineLog.
final class LineSplitter: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = ""
    let log = LineLog()

    func attach(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                flush()
            } else {
                feed(String(decoding: data, as: UTF8.self))
            }
        }
    }

    private func feed(_ text: String) {
        let lines: [String] = lock.withLock {
            pending += text
            var parts = pending.components(separatedBy: "\n")
            pending = parts.removeLast()
            return parts
        }
        for line in lines { log.append(line) }
    }

    private func flush() {
        let rest = lock.withLock { () -> String in
            defer { pending = "" }
            return pending
        }
        if !rest.isEmpty { log.append(rest) }
    }
}

/// The private broker's management API: declare, bind, publish, count.
struct PrivateManagement {
    let base: String
    let transport = URLSessionTransport(timeout: 60)
    let authorization = "Basic " + Data("guest:guest".utf8).base64EncodedString()

    private func call(_ method: String, _ path: String, _ body: Any? = nil) async throws -> HTTPResponse {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let request = HTTPRequest(method: method, url: URL(string: base + path)!,
                                  headers: ["Authorization": authorization, "Content-Type": "application/json"], body: data)
        do {
            return try await transport.send(request)
        } catch is HTTPTransportError {
            return try await transport.send(request)
        }
    }

    func declareQueue(_ name: String) async throws {
        let status = try await call("PUT", "/api/queues/%2F/\(name)", ["durable": false, "auto_delete": false]).status
        guard status == 201 || status == 204 else { throw ResizeAutoscalingError("declaring queue \(name): HTTP \(status)") }
    }

    /// Binds a queue to an exchange; false while the exchange does not exist yet.
    func bind(queue: String, toExchange exchange: String) async throws -> Bool {
        try await call("POST", "/api/bindings/%2F/e/\(exchange)/q/\(queue)", ["routing_key": ""]).status == 201
    }

    func publish(toQueue queue: String, json: Data) async throws {
        let body: [String: Any] = ["properties": ["content_type": "application/json", "delivery_mode": 2],
                                   "routing_key": queue, "payload": String(decoding: json, as: UTF8.self),
                                   "payload_encoding": "string"]
        let response = try await call("POST", "/api/exchanges/%2F/amq.default/publish", body)
        let routed = (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["routed"] as? Bool
        guard response.status == 200, routed == true else {
            throw ResizeAutoscalingError("publishing to \(queue): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
    }

    /// The queue object of `GET /api/queues/%2F/NAME` (stats refresh every 5 s), nil if missing.
    func queue(_ name: String) async -> [String: Any]? {
        guard let response = try? await call("GET", "/api/queues/%2F/\(name)"), response.status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
    }

    func count(_ name: String, _ field: String) async -> Int? {
        (await queue(name)?[field] as? NSNumber)?.intValue
    }

    /// Takes one message off a queue (acknowledged) and returns its payload.
    func take(_ name: String) async throws -> Data? {
        let response = try await call("POST", "/api/queues/%2F/\(name)/get",
                                      ["count": 1, "ackmode": "ack_requeue_false", "encoding": "auto"])
        guard response.status == 200,
              let messages = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]],
              let payload = messages.first?["payload"] as? String else { return nil }
        return Data(payload.utf8)
    }
}

/// Polls an async condition until it holds or the patience runs out.
func eventuallyAsync(patience seconds: Double, every interval: Double = 0.5, _ condition: () async -> Bool) async -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if await condition() { return true }
        try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
    }
    return await condition()
}
