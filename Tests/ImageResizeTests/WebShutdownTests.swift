import Foundation
import TestSupport
import Testing

@testable import ImageResize

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real `imageresize web` process on the shared PostgreSQL and RabbitMQ:
/// SIGTERM lets the requests in flight finish, then the process exits by itself.
@Suite(.serialized, .timeLimit(.minutes(3)), .logsOnFailure) struct WebShutdownTests {
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
        let web = try BuiltExecutable.imageresize.start(
            ["web", "--role", "web\(UUID().uuidString.prefix(6).lowercased())"],
            environment: [
                "PORT": "0", "DATABASE_URL": db.url, "IMAGERESIZE_DEMO_PAGE": "off", "LOG_LEVEL": "info",
            ], log: log)
        defer { if web.isRunning { kill(web.processIdentifier, SIGKILL) } }
        func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        let base = try await waitForValue("the web process to listen") { () -> String? in
            guard let range = output().range(of: #"url=http://localhost:\d+"#, options: .regularExpression) else { return nil }
            return String(output()[range].dropFirst("url=".count))
        }
        try await waitUntil("the web process to be healthy") { (try? await get("\(base)/health").status) == 200 }
        let longPoll = Task { try await get("\(base)/jobs/\(jobID.uuidString.lowercased())?wait=60") }
        // The /metrics request counts itself: 2 means the long-poll is being answered.
        try await waitUntil("the long-poll in flight") {
            let metrics = (try? await get("\(base)/metrics").body).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return metrics.contains("imageresize_http_requests_in_flight 2")
        }

        kill(web.processIdentifier, SIGTERM)
        let (status, body) = try await longPoll.value
        #expect(status == 200, "\(output())")
        #expect(String(decoding: body, as: UTF8.self).contains(#""status":"pending""#))
        try await waitUntil("the web process to exit") { !web.isRunning }
        #expect(web.terminationReason == .exit && web.terminationStatus == 0, "\(output())")
        #expect(output().contains("participant stopped"))
    }
}
