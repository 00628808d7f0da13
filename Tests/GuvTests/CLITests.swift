import Foundation
import PlatformClients
import TestSupport
import Testing

@testable import Guv

extension BuiltExecutable {
    /// guv's own variables removed (the developer's shell must not leak into
    /// a test), then `extra`.
    static func guvEnvironment(_ extra: [String: String] = [:]) -> [String: String?] {
        var environment: [String: String?] = [:]
        for key in ["GUV_CONFIG", "GUV_APP", "GUV_BROKER", "CLOUDAMQP_URL", "HEROKU_API_KEY", "HEROKU_API_URL"] {
            environment[key] = .some(nil)
        }
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs `guv ARGS` to its end.
    static func runGuv(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try guv.run(arguments, environment: guvEnvironment(environment))
    }
}

@Suite("guv executable", .serialized, .timeLimit(.minutes(2)), .logsOnFailure)
struct CLITests {
    @Test func estimatePrintsGuvsExamples() throws {
        let config = "{r: {p: 10, stddev: 5, deadline: 60, max: 40}}"
        let set = try BuiltExecutable.runGuv(["estimate", "r", "--config", config, "--messages", "40"])
        #expect(set.status == 0)
        #expect(set.stdout.contains("r: set 11 workers"))
        let keep = try BuiltExecutable.runGuv(["estimate", "r", "--config", config, "--messages", "10", "--current", "4", "--history", "4,4,1"])
        #expect(keep.stdout.contains("r: keep the current 4 workers"))
    }

    @Test func validateNamesRoleAndKey() throws {
        let bad = try BuiltExecutable.runGuv(["validate", "--config", "{r: {p:60, max: -1}}"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("role 'r', key 'p:60'"))
        #expect(bad.stdout.contains("role 'r', key 'maximum'"))
        let configFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/guv.yaml").path
        let good = try BuiltExecutable.runGuv(["validate", "--config-file", configFile])
        #expect(good.status == 0)
        #expect(good.stdout.contains("resize: queue resize.IN"))
    }

    @Test func simulatePrintsATablePerTrace() throws {
        let result = try BuiltExecutable.runGuv(["simulate", "--trace", "spike"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("trace: spike"))
        #expect(result.stdout.contains("deadline misses %"))
        for policy in ["guv", "ours", "hpa-50%", "hpa-80%", "keda-q20"] {
            #expect(result.stdout.contains("\n\(policy) "))
        }
    }

    @Test func runOneshotDryRunAgainstRabbitMQ() async throws {
        try await TestQueue.with(prefix: "guv.test.cli") { queue in
            try await queue.publish(40)
            let stats = queue.management
            _ = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
                (try? await stats.observe(queue: queue.name))?.messages == 40
            }
            let management = ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672"
            let result = try BuiltExecutable.runGuv(
                [
                    "run", "--oneshot", "--dry-run", "--config",
                    "{r: {queue: \(queue.name), p: 10, stddev: 5, deadline: 60, concurrency: 3, max: 40}}",
                ],
                environment: ["GUV_BROKER": "amqp://guest:guest@localhost:5672", "GUV_MANAGEMENT_URL": management, "GUV_APP": "local"])
            #expect(result.status == 0, "\(result.stderr)")
            let record = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(record["messages"] as? Int == 40)
            #expect(record["estimate"] as? Int == 4)
            #expect(record["new"] as? Int == 4)
            #expect(record["dry_run"] as? Bool == true)
            #expect(result.stderr.contains("role=r queue=\(queue.name) messages=40"))
        }
    }

    @Test func runStopsCleanlyOnSIGTERM() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("guv-run-\(UUID().uuidString.prefix(8)).log")
        let process = try BuiltExecutable.guv.start(
            ["run", "--dry-run", "--metrics-port", "0", "--config", "{'*': {pollinterval: 60}, r: {queue: guv.test.none}}"],
            environment: BuiltExecutable.guvEnvironment(
                [
                    "GUV_BROKER": "amqp://guest:guest@localhost:5672", "GUV_APP": "local",
                    "GUV_MANAGEMENT_URL": ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672",
                ]),
            log: log)
        defer { if process.isRunning { process.terminate() } }
        func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        try await waitUntil("guv to poll role r") { output().contains("role=r") }
        // The missing queue is reported, and the metrics page says so.
        #expect(output().contains("queue 'guv.test.none' does not exist"))
        let text = output()
        let port = try #require(
            text.range(of: #"metrics on http://127\.0\.0\.1:\d+"#, options: .regularExpression)
                .map { text[$0].split(separator: ":").last.map(String.init) } ?? nil)
        let metrics = try await URLSessionHTTPClient().send(HTTPClientRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/metrics")!))
        #expect(metrics.status == 200)
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("guv_role_error{role=\"r\"} 1.0"))
        process.terminate() // SIGTERM
        try await waitUntil("guv to exit") { !process.isRunning }
        #expect(process.terminationStatus == 0)
        #expect(output().contains("guv stopped"))
    }
}
