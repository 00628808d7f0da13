import Foundation
import TestSupport
import Testing

@testable import Guv

/// Issue 6's end-to-end check: real RabbitMQ (private), real `imageresize resize`
/// workers run by the local formation, and the real `guv run` executable scaling
/// them through the formation's Heroku API. A flood of resize requests must take
/// the role to its maximum, every image must come out, and once the queue is empty
/// the role must go back to its minimum, but only after the scale-down window.
@Suite(
    "Resize autoscaling with real RabbitMQ, resize workers and guv", .tags(.resizeAutoscaling), .serialized, .timeLimit(.minutes(15)),
    .enabled(if: ProcessInfo.processInfo.environment["GUV_SKIP_RESIZE_AUTOSCALING"] == nil), .logsOnFailure)
struct ResizeAutoscalingIntegrationTests {
    /// Big enough that one worker (30-70 ms an image here) is still busy when the
    /// management API's 5-second stats first show the backlog to guv.
    static let flood = 240
    static let maximum = 3
    static let pollinterval = 1.0
    static let history = 8.0

    /// Any backlog of more than ~25 images asks for the maximum: 0.2 s per image,
    /// a 2 s deadline (guv: ceil(N * 0.2 / 1.57) workers).
    static func config(policy: PolicyKind) -> String {
        """
        '*': {app: local, pollinterval: \(pollinterval), history: \(history)}
        resize: {queue: resize.IN, worker: resize, concurrency: 1, processing: 0.2, stddev: 0.1, deadline: 2, minimum: 1, maximum: \(maximum), boot: 2, policy: \(policy.rawValue)}
        """
    }

    static func request(imageURL: String) -> Data {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let message: [String: Any] = [
            "job_id": UUID().uuidString.lowercased(), "image_id": UUID().uuidString.lowercased(),
            "image": ["url": imageURL, "width": 1000, "fit": "inside", "format": "jpeg", "quality": 40],
            "created_at": formatter.string(from: Date()),
        ]
        return try! JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])
    }

    /// guv's JSON state records (its stdout lines, among its log lines on stderr).
    static func records(_ log: URL) -> [[String: Any]] {
        lines(log).compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func lines(_ log: URL) -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test(
        "a flood of resize requests scales resize workers to the maximum and back down after the window",
        arguments: [PolicyKind.guv, .predictive])
    func floodScalesResizeWorkersUpAndBackDown(policy: PolicyKind) async throws {
        let began = Date()
        let temporary = try ResizeAutoscalingPaths.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let imageresize = try ResizeAutoscalingPaths.imageresize()

        // Private broker, stopped whatever happens below.
        let broker = try PrivateRabbitMQ(directory: temporary.appendingPathComponent("services"), candidates: [5747, 5753, 5759, 5767, 5773])
        try await broker.with { rabbit in
            try await scenario(policy: policy, rabbit: rabbit, temporary: temporary, imageresize: imageresize, began: began)
        }
    }

    func scenario(policy: PolicyKind, rabbit: PrivateRabbitMQ, temporary: URL, imageresize: URL, began: Date) async throws {
        let management = try PrivateManagement(base: "http://localhost:\(rabbit.managementPort)")

        // Image server with two 2400x1800 noise JPEGs.
        let images = temporary.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let imageNames = try await makeTestImages(in: images)
        let imageServer = try makeImageServer(serving: images)
        defer { imageServer.stop() }

        // The local formation: just the resize type, against the private broker.
        var environment = ProcessInfo.processInfo.environment
        environment["CLOUDAMQP_URL"] = nil
        environment["MSGFLO_BROKER"] = rabbit.amqpURL
        environment["IMAGERESIZE_ALLOW_HOSTS"] = "127.0.0.1:\(imageServer.port)"
        environment["IMAGERESIZE_RESIZE_CONCURRENCY"] = "1"
        environment["LOG_LEVEL"] = "info"
        let procfile = try Procfile.parse("resize: '\(imageresize.path)' resize --role resize")
        let workerLog = LineLog()
        let formation = LocalFormation(
            procfile: procfile, app: "local", environment: environment, graceSeconds: 5,
            output: { workerLog.append($0) })
        defer { formation.beginStopAll() }
        let formationServer = try TestHTTPServer(router: FormationRoutes(formation: formation).router)
        defer { formationServer.stop() }

        // What a failed expectation prints: guv's state records and the workers' last lines.
        let guvLog = temporary.appendingPathComponent("guv.log")
        func debugging(_ what: String = "") -> Comment {
            let guvLines = Self.lines(guvLog)
            return Comment(
                rawValue: what + "\nguv state records:\n" + guvLines.filter { $0.hasPrefix("{") }.suffix(60).joined(separator: "\n")
                    + "\nguv log:\n" + guvLines.filter { !$0.hasPrefix("{") }.suffix(20).joined(separator: "\n")
                    + "\nformation:\n" + workerLog.lines.filter { !$0.contains("image resized") }.suffix(30).joined(separator: "\n")
                    + "\nlast images:\n" + workerLog.lines.filter { $0.contains("image resized") }.suffix(5).joined(separator: "\n"))
        }
        func quantity() -> Int? { formation.formation().first { $0.type == "resize" }?.quantity }

        // One worker from the start (as on Heroku); it declares resize.IN and its outport exchanges.
        try formation.scale("resize", to: 1)
        let consuming = await eventually(timeout: .seconds(60), every: .milliseconds(500)) { await management.count("resize.IN", \.consumers) == 1 }
        try #require(consuming, debugging("the first resize worker never consumed resize.IN"))
        // Results and failures pile up in sink queues, to count them.
        try await management.declareQueue("sink.out")
        try await management.declareQueue("sink.error")
        let bound = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            let out = (try? await management.bind(queue: "sink.out", toExchange: "resize.OUT")) == true
            let error = (try? await management.bind(queue: "sink.error", toExchange: "resize.ERROR")) == true
            return out && error
        }
        try #require(bound, debugging("could not bind the sink queues to resize.OUT / resize.ERROR"))

        // guv itself, driving the formation through its Heroku API.
        let guv = try BuiltExecutable.guv.start(
            ["run", "--config", Self.config(policy: policy)],
            environment: BuiltExecutable.guvEnvironment(
                [
                    "GUV_BROKER": rabbit.amqpURL, "GUV_MANAGEMENT_URL": rabbit.managementURL, "GUV_APP": "local",
                    "HEROKU_API_URL": formationServer.baseURL,
                ]),
            log: guvLog)
        defer {
            if guv.isRunning { guv.terminate() }
            guv.waitUntilExit()
        }
        let running = await eventually(timeout: .seconds(30)) { !Self.records(guvLog).isEmpty }
        try #require(running, debugging("guv run wrote no state record"))

        // The flood.
        let floodStart = Date()
        // Published 10 at a time, much faster than one worker drains: the backlog must
        // build up while guv looks (the management API refreshes queue stats every 5 s).
        let urls = (0..<Self.flood).map { "http://127.0.0.1:\(imageServer.port)/\(imageNames[$0 % imageNames.count])" }
        for batch in stride(from: 0, to: urls.count, by: 10) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for url in urls[batch..<min(batch + 10, urls.count)] {
                    group.addTask { try await management.publish(toQueue: "resize.IN", json: Self.request(imageURL: url)) }
                }
                try await group.waitForAll()
            }
        }

        // Up to the maximum: three processes, and the broker sees three consumers.
        let scaledUp = await eventually(timeout: .seconds(90)) { quantity() == Self.maximum && formation.liveCount("resize") == Self.maximum }
        #expect(scaledUp, debugging("the formation never ran \(Self.maximum) resize workers"))
        let upAfter = Date().timeIntervalSince(floodStart)
        let threeConsumers = await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
            await management.count("resize.IN", \.consumers) == Self.maximum
        }
        #expect(threeConsumers, debugging("resize.IN never had \(Self.maximum) consumers"))

        // Drained: every request came out on resize.OUT, none on resize.ERROR.
        let drained = await eventually(timeout: .seconds(150), every: .milliseconds(500)) {
            let results = await management.count("sink.out", \.messages) ?? 0
            let failures = await management.count("sink.error", \.messages) ?? 0
            let waiting = await management.count("resize.IN", \.messages)
            return results + failures == Self.flood && waiting == 0
        }
        #expect(drained, debugging("resize.IN did not drain into sink.out/sink.error"))
        let drainedAfter = Date().timeIntervalSince(floodStart)
        #expect(await management.count("sink.out", \.messages) == Self.flood, debugging())
        #expect(await management.count("sink.error", \.messages) == 0, debugging())
        let sample = try await management.take("sink.out")
        let outcome = try sample.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let result = outcome?["result"] as? [String: Any]
        #expect(result?["width"] as? Int == 1000 && result?["format"] as? String == "jpeg", "a result on resize.OUT: \(outcome ?? [:])")

        // Back to the minimum once the window has passed.
        let scaledDown = await eventually(timeout: .seconds(90)) { quantity() == 1 && formation.liveCount("resize") == 1 }
        #expect(scaledDown, debugging("the formation did not return to 1 resize worker"))
        let downAfter = Date().timeIntervalSince(floodStart)

        // guv's records: never above the maximum, and the step to 1 came only after a
        // full window of estimates that wanted at most 1 (guv: floor(history / poll)
        // iterations; ours: the boot time's polls + 1).
        let records = Self.records(guvLog)
        #expect(records.allSatisfy { ($0["new"] as? Int ?? 0) <= Self.maximum }, debugging())
        #expect(records.contains { $0["new"] as? Int == Self.maximum }, debugging())
        let decided = records.filter { $0["estimate"] is Int }
        let window: Int =
            switch policy {
            case .guv: Int(Self.history / Self.pollinterval)
            case .predictive: max(PredictiveEstimate().downscaleWindow, Int((2 / Self.pollinterval).rounded(.up)) + 1)
            }
        if let topIndex = decided.lastIndex(where: { $0["new"] as? Int == Self.maximum }),
            let downIndex = decided[topIndex...].firstIndex(where: { $0["new"] as? Int == 1 })
        {
            let before = decided[max(decided.startIndex, downIndex - window)..<downIndex]
            #expect(
                before.count == window && before.allSatisfy { ($0["estimate"] as? Int ?? 99) <= 1 },
                debugging("scale-down to 1 before a full window of low estimates"))
        } else {
            Issue.record(debugging("no record set \(Self.maximum) then 1"))
        }

        let millis = workerLog.lines.compactMap { line -> Double? in
            guard line.contains("image resized"), let r = line.range(of: #"ms=\d+"#, options: .regularExpression) else { return nil }
            return Double(line[r].dropFirst(3))
        }
        let mean = millis.isEmpty ? 0 : millis.reduce(0, +) / Double(millis.count)
        // messages/consumers -> estimate, current[>new] per poll, for the report.
        let timeline = records.map { r -> String in
            func n(_ key: String) -> String { (r[key] as? Int).map(String.init) ?? "?" }
            return "\(n("messages"))/\(n("consumers"))->\(n("estimate")):\(n("current"))" + ((r["new"] as? Int).map { ">\($0)" } ?? "")
        }
        print("ResizeAutoscaling[\(policy.rawValue)] guv polls (messages/consumers->estimate:current>new): " + timeline.joined(separator: " "))
        print(
            String(
                format:
                    "ResizeAutoscaling[%@]: %d images, mean %.0f ms/image in the worker; %d at %.1f s, drained at %.1f s, back to 1 at %.1f s after the flood; %d guv records; whole test %.1f s",
                policy.rawValue, millis.count, mean, Self.maximum, upAfter, drainedAfter, downAfter, records.count,
                Date().timeIntervalSince(began)))
    }
}
