import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import ImageResize
import TestSupport

/// The real `imageresize web` process on the shared PostgreSQL and RabbitMQ:
/// SIGTERM lets the requests in flight finish, then the process exits by itself.
@Suite(.serialized) struct WebShutdownTests {
    static var binary: String {
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("imageresize").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside
            : MsgFloBinary.root.appendingPathComponent(".build/debug/imageresize").path
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    func eventually<T>(_ what: String, timeout: Duration = .seconds(60), _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try? await probe() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "timed out waiting for \(what)")
    }

    func get(_ url: String) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 90
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test func sigtermAnswersTheLongPollInFlightThenExits() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let jobID = UUID()
        try await PostgresJobStore(database: db.pool).create(
            jobID: jobID, images: [(UUID(), ImageSpec(url: "http://images.invalid/a.jpg", width: 10, height: nil))], at: Date())

        let log = FileManager.default.temporaryDirectory.appendingPathComponent("imageresize-web-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let web = Process()
        web.executableURL = URL(fileURLWithPath: Self.binary)
        web.arguments = ["web", "--role", "web\(UUID().uuidString.prefix(6).lowercased())"]
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = "0"
        environment["DATABASE_URL"] = db.url
        environment["MSGFLO_BROKER"] = environment["MSGFLO_TEST_BROKER"] ?? "amqp://guest:guest@localhost:5672"
        environment["IMAGERESIZE_DEMO_PAGE"] = "off"
        environment["LOG_LEVEL"] = "info"
        web.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        web.standardOutput = handle
        web.standardError = handle
        try web.run()
        defer { if web.isRunning { kill(web.processIdentifier, SIGKILL) } }
        func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        let base = try await eventually("the web process to listen") { () -> String? in
            guard let range = output().range(of: #"url=http://localhost:\d+"#, options: .regularExpression) else { return nil }
            return String(output()[range].dropFirst("url=".count))
        }
        _ = try await eventually("the web process to be healthy") { try await get("\(base)/health").status == 200 ? true : nil }
        let longPoll = Task { try await get("\(base)/jobs/\(jobID.uuidString.lowercased())?wait=60") }
        // The /metrics request counts itself: 2 means the long-poll is being answered.
        _ = try await eventually("the long-poll in flight") { () -> Bool? in
            let metrics = String(decoding: try await get("\(base)/metrics").body, as: UTF8.self)
            return metrics.contains("imageresize_http_requests_in_flight 2") ? true : nil
        }

        kill(web.processIdentifier, SIGTERM)
        let (status, body) = try await longPoll.value
        #expect(status == 200, "\(output())")
        #expect(String(decoding: body, as: UTF8.self).contains(#""status":"pending""#))
        _ = try await eventually("the web process to exit") { web.isRunning ? nil : true }
        #expect(web.terminationReason == .exit && web.terminationStatus == 0, "\(output())")
        #expect(output().contains("participant stopped"))
    }
}
