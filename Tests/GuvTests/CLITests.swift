import Foundation
import PlatformClients
import Testing
@testable import Guv

/// The `guv` executable, next to the test bundle after `swift build --build-tests`.
struct GuvBinary {
    static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("guv")
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw SimulationError("no guv executable at \(url.path); run `swift build --build-tests` (it builds all products) first")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["GUV_CONFIG", "GUV_APP", "GUV_BROKER", "CLOUDAMQP_URL", "HEROKU_API_KEY", "HEROKU_API_URL"] { env[key] = nil }
        process.environment = env.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let (process, out, err) = try start(arguments, environment: environment)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("guv executable", .serialized)
struct CLITests {
    @Test func estimatePrintsGuvsExamples() throws {
        let config = "{r: {p: 10, stddev: 5, deadline: 60, max: 40}}"
        let set = try GuvBinary.run(["estimate", "r", "--config", config, "--messages", "40"])
        #expect(set.status == 0)
        #expect(set.stdout.contains("r: set 11 workers"))
        let keep = try GuvBinary.run(["estimate", "r", "--config", config, "--messages", "10", "--current", "4", "--history", "4,4,1"])
        #expect(keep.stdout.contains("r: keep the current 4 workers"))
    }

    @Test func validateNamesRoleAndKey() throws {
        let bad = try GuvBinary.run(["validate", "--config", "{r: {p:60, max: -1}}"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("role 'r', key 'p:60'"))
        #expect(bad.stdout.contains("role 'r', key 'maximum'"))
        let configFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/guv.yaml").path
        let good = try GuvBinary.run(["validate", "--config-file", configFile])
        #expect(good.status == 0)
        #expect(good.stdout.contains("resize: queue resize.IN"))
    }

    @Test func simulatePrintsATablePerTrace() throws {
        let result = try GuvBinary.run(["simulate", "--trace", "spike"])
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
            let end = Date().addingTimeInterval(30)
            while (try? await stats.observe(queue: queue.name))?.messages != 40 && Date() < end {
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            let management = ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672"
            let result = try GuvBinary.run(
                ["run", "--oneshot", "--dry-run", "--config", "{r: {queue: \(queue.name), p: 10, stddev: 5, deadline: 60, concurrency: 3, max: 40}}"],
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
        let (process, _, err) = try GuvBinary.start(
            ["run", "--dry-run", "--metrics-port", "0", "--config", "{'*': {pollinterval: 60}, r: {queue: guv.test.none}}"],
            environment: ["GUV_BROKER": "amqp://guest:guest@localhost:5672", "GUV_APP": "local",
                          "GUV_MANAGEMENT_URL": ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672"])
        let log = LineLog()
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { log.append(String(decoding: data, as: UTF8.self)) }
        }
        #expect(await eventually { log.lines.joined().contains("role=r") })
        // The missing queue is reported, and the metrics page says so.
        #expect(log.lines.joined().contains("queue 'guv.test.none' does not exist"))
        let text = log.lines.joined()
        let port = try #require(text.range(of: #"metrics on http://127\.0\.0\.1:\d+"#, options: .regularExpression)
            .map { text[$0].split(separator: ":").last.map(String.init) } ?? nil)
        let metrics = try await URLSessionHTTPClient().send(HTTPClientRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/metrics")!))
        #expect(metrics.status == 200)
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("guv_role_error{role=\"r\"} 1.0"))
        process.terminate()   // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(await eventually { log.lines.joined().contains("guv stopped") })
    }
}
