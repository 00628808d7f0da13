import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import ImageResize

/// `/stats`, `/health`, `/metrics`, and what the router answers for routes and
/// methods the API does not have.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct WebAPIOperationsTests {
    @Test func statsCountAndTimeTheWindow() async throws {
        let api = WebAPIHarness()
        let first = try await api.submit(images: 2)
        let second = try await api.submit(images: 1)
        _ = try await api.submit(images: 1)
        // Whole seconds, so the millisecond durations survive PostgreSQL-style microsecond rounding exactly.
        let started = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.up) + 1)
        try await api.finish(first, image: 0, startedAt: started, processingMs: 100)
        try await api.finish(first, image: 1, startedAt: started, processingMs: 300)
        try await api.finish(second, image: 0, failed: true, startedAt: started, processingMs: 200)
        let answer = await api.get("/stats?window=600")
        #expect(answer.status == 200)
        #expect(answer.json["window_seconds"] as? Double == 600)
        let jobs = try #require(answer.json["jobs"] as? [String: Int])
        #expect(jobs == ["total": 3, "pending": 1, "completed": 1, "failed": 1, "partial": 0])
        let images = try #require(answer.json["images"] as? [String: Int])
        #expect(images == ["total": 4, "pending": 1, "completed": 2, "failed": 1, "partial": 0])
        let processing = try #require(answer.json["processing_ms"] as? [String: Double])
        // Nearest rank over [100, 200, 300]: p50 is the 2nd value, p90 and up the 3rd.
        #expect(processing == ["p50": 200, "p90": 300, "p95": 300, "p99": 300, "max": 300])
        #expect(await api.get("/stats").json["window_seconds"] as? Double == 3600)
    }

    @Test(arguments: ["0", "-1", "abc", "nan", "inf", "2592001", "1e308", ""])
    func statsWindowMustBeSecondsUpToThirtyDays(_ window: String) async {
        let answer = await WebAPIHarness().get("/stats?window=\(window)")
        #expect(answer.status == 422)
        #expect(answer.fields == ["window"])
    }

    @Test func statsDuringADatabaseOutageAnswer503() async {
        let api = WebAPIHarness()
        await api.store.setFailing(true)
        #expect(await api.get("/stats").status == 503)
    }

    struct HealthCase: Sendable, CustomTestStringConvertible {
        var databaseDown: Bool
        var broker: RecordingPublisher.Mode
        var status: Int
        var testDescription: String { "database \(databaseDown ? "down" : "up"), broker \(broker)" }
    }

    @Test(arguments: [
        HealthCase(databaseDown: false, broker: .confirm, status: 200),
        HealthCase(databaseDown: true, broker: .confirm, status: 503),
        HealthCase(databaseDown: false, broker: .refuse, status: 503),
        HealthCase(databaseDown: true, broker: .refuse, status: 503),
    ])
    func health(_ c: HealthCase) async {
        let api = WebAPIHarness()
        await api.store.setFailing(c.databaseDown)
        await api.publisher.setMode(c.broker)
        let answer = await api.get("/health")
        #expect(answer.status == c.status)
        #expect(answer.json["status"] as? String == (c.status == 200 ? "ok" : "degraded"))
        #expect(answer.json["database"] as? String == (c.databaseDown ? "unreachable" : "ok"))
        #expect(answer.json["broker"] as? String == (c.broker == .confirm ? "ok" : "unreachable"))
        // Public: the reasons (hosts, users, ports) go to the log, not to anyone who asks.
        #expect(!answer.text.contains("connection refused") && !answer.text.contains("refused the message"), "\(answer.text)")
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        let api = WebAPIHarness()
        _ = try await api.submit(images: 2)
        _ = await api.get("/jobs/not-a-uuid")
        let answer = await api.get("/metrics")
        #expect(answer.status == 200)
        #expect(answer.headers["Content-Type"] == "text/plain; version=0.0.4")
        for line in [
            #"imageresize_http_requests_total{method="POST",route="/jobs",status="202"} 1"#,
            #"imageresize_http_requests_total{method="GET",route="/jobs/:id",status="404"} 1"#,
            "imageresize_jobs_created_total 1",
            "imageresize_images_created_total 2",
            #"imageresize_http_request_duration_seconds_count{route="/jobs"} 1"#,
        ] {
            #expect(answer.text.split(separator: "\n").contains(Substring(line)), "\(line)")
        }
    }

    @Test(arguments: [
        (HTTPMethod.get, "/nothing", 404),
        (.delete, "/jobs", 405),
        (.put, "/jobs/00000000-0000-0000-0000-000000000000", 405),
        (.post, "/stats", 405),
    ])
    func unknownRoutesAndMethods(_ method: HTTPMethod, _ target: String, _ status: Int) async {
        #expect(await WebAPIHarness().send(method, target).status == status)
    }
}
