import Foundation
import PlatformClients
import TestSupport
import Testing

@testable import Guv

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

/// Paths the test needs: the built executables and a scratch folder.
enum ResizeAutoscalingPaths {
    /// `imageresize`, next to the test bundle after `swift build --build-tests`.
    static func imageresize() throws -> URL {
        let url = BuiltExecutable.imageresize.url
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

/// Serves the files of `directory` by name, as the workers' image host.
func makeImageServer(serving directory: URL) throws -> TestHTTPServer {
    try TestHTTPServer { request in
        let name = String(request.path.dropFirst())
        guard !name.contains("/"), let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else {
            return TestHTTPResponse(status: 404)
        }
        return TestHTTPResponse(headers: ["Content-Type": "image/jpeg"], data: data)
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
        do {
            try await TestCommand.runOffPool(["vips", "gaussnoise", raw, "\(2400 + 200 * i)", "1800", "--mean", "128", "--sigma", "40"], log: log)
            try await TestCommand.runOffPool(["vips", "cast", raw, directory.appendingPathComponent(name).path, "uchar"], log: log)
        } catch {
            throw ResizeAutoscalingError("`vips` could not make a test image (install libvips-tools): \(error)")
        }
        try? FileManager.default.removeItem(atPath: raw)
        names.append(name)
    }
    return names
}

/// The private broker's management API: declare, bind, publish, count.
struct PrivateManagement {
    let client: RabbitMQManagementClient

    init(base: String) throws {
        client = RabbitMQManagementClient(
            endpoint: try ManagementEndpoint.resolve(broker: nil, environment: ["RABBITMQ_MANAGEMENT_URL": base]),
            http: URLSessionHTTPClient(timeout: 60))
    }

    private func call(_ method: String, _ segments: [String], _ body: Any? = nil) async throws -> HTTPClientResponse {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        // One retry on a failure to get any answer (not on an HTTP error status).
        if let response = try? await client.send(method, segments, json: data) { return response }
        return try await client.send(method, segments, json: data)
    }

    func declareQueue(_ name: String) async throws {
        let status = try await call("PUT", ["queues", "/", name], ["durable": false, "auto_delete": false]).status
        guard status == 201 || status == 204 else { throw ResizeAutoscalingError("declaring queue \(name): HTTP \(status)") }
    }

    /// Binds a queue to an exchange; false while the exchange does not exist yet.
    func bind(queue: String, toExchange exchange: String) async throws -> Bool {
        try await call("POST", ["bindings", "/", "e", exchange, "q", queue], ["routing_key": ""]).status == 201
    }

    func publish(toQueue queue: String, json: Data) async throws {
        let body: [String: Any] = [
            "properties": ["content_type": "application/json", "delivery_mode": 2],
            "routing_key": queue, "payload": String(decoding: json, as: UTF8.self),
            "payload_encoding": "string",
        ]
        let response = try await call("POST", ["exchanges", "/", "amq.default", "publish"], body)
        let routed = (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["routed"] as? Bool
        guard response.status == 200, routed == true else {
            throw ResizeAutoscalingError("publishing to \(queue): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
    }

    /// The queue's figures (stats refresh every 5 s), nil if missing or unreadable.
    func queue(_ name: String) async -> QueueStats? {
        try? await client.queue(name)
    }

    func count(_ name: String, _ field: KeyPath<QueueStats, Int>) async -> Int? {
        await queue(name)?[keyPath: field]
    }

    /// Takes one message off a queue (acknowledged) and returns its payload.
    func take(_ name: String) async throws -> Data? {
        let response = try await call(
            "POST", ["queues", "/", name, "get"],
            ["count": 1, "ackmode": "ack_requeue_false", "encoding": "auto"])
        guard response.status == 200,
            let messages = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]],
            let payload = messages.first?["payload"] as? String
        else { return nil }
        return Data(payload.utf8)
    }
}
