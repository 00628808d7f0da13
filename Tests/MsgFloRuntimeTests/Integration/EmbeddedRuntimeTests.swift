import Foundation
import MsgFlo
import MsgFloRuntime
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// On Heroku only `web` has a port: the real `imageresize web` process serves
/// the runtime at /runtime and the graph page at /graph when, and only when,
/// MSGFLO_RUNTIME_SECRET is set; the demo page then links to it.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .serialized, .timeLimit(.minutes(3)))
struct EmbeddedRuntimeTests {
    struct Web {
        let process: Process
        let port: Int
        let log: URL
        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    static func startWeb(_ vhost: TestVhost, extra: [String: String]) async throws -> Web {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("web-runtime-\(UUID().uuidString.prefix(8)).log")
        var environment: [String: String?] = [
            "PORT": "0", "MSGFLO_BROKER": vhost.brokerText, "LOG_LEVEL": "info", "MSGFLO_RUNTIME_SECRET": nil,
            "DATABASE_URL": ProcessInfo.processInfo.environment["IMAGERESIZE_TEST_DATABASE_URL"] ?? "postgres://localhost/imageresize_test",
            "RABBITMQ_MANAGEMENT_URL": AMQPTestBroker.managementURL.absoluteString,
        ]
        for (key, value) in extra { environment[key] = value }
        let web = try BuiltExecutable.imageresize.start(["web", "--role", "web"], environment: environment, log: log)
        var port: Int?
        let deadline = ContinuousClock.now + .seconds(60)
        while port == nil, web.isRunning, ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"url=http://localhost:\d+"#, options: .regularExpression) {
                port = Int(text[range].dropFirst("url=http://localhost:".count))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let port else {
            if web.isRunning { kill(web.processIdentifier, SIGKILL) }
            throw TestVhost.Failure("imageresize web did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        return Web(process: web, port: port, log: log)
    }

    static func get(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func stop(_ web: Web) async -> Int32 {
        kill(web.process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(40)
        while web.process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        if web.process.isRunning { kill(web.process.processIdentifier, SIGKILL) }
        return web.process.terminationStatus
    }

    @Test func withTheSecretWebServesTheRuntimeAndItsPage() async throws {
        try await TestVhost.with { vhost in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedded-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let graph = directory.appendingPathComponent("embedded.fbp")
            try "# @name embedded\na(Repeat) OUT -> IN b(Repeat)\n".write(to: graph, atomically: true, encoding: .utf8)
            let web = try await Self.startWeb(vhost, extra: ["MSGFLO_RUNTIME_SECRET": "sesame", "MSGFLO_RUNTIME_GRAPH": graph.path])

            let page = try await Self.get(web.port, "/graph")
            #expect(page.status == 200)
            #expect(page.body.contains(#"<meta name="msgflo-runtime-websocket" content="/runtime">"#), "\(page.body.prefix(300))")
            let demo = try await Self.get(web.port, "/")
            #expect(
                demo.body.contains(#""graphPage":"\/graph""#) || demo.body.contains(#""graphPage":"/graph""#), "the demo page links the graph page")

            let client = try await FBPTestClient.connect(port: web.port, path: "/runtime", graph: "embedded", secret: "sesame")
            let answer = try await client.request("runtime", "getruntime", [:])
            #expect(answer.first?.payload["graph"] == "embedded", "\(answer.commands)")
            let stranger = try await FBPTestClient.connect(port: web.port, path: "/runtime", graph: "embedded")
            try await stranger.send("runtime", "getruntime", [:])
            #expect(try await stranger.next()?.command == "error")
            #expect(await eventually { (try? await vhost.destinations(of: "a.OUT")) == ["b.IN"] }, "the web's runtime applied its graph")

            #expect(await Self.stop(web) == 0, "\(web.output)")
            #expect(web.output.contains("runtime stopped"))
        }
    }

    @Test func withoutTheSecretThereIsNoRuntime() async throws {
        try await TestVhost.with { vhost in
            let web = try await Self.startWeb(vhost, extra: [:])
            #expect(try await Self.get(web.port, "/graph").status == 404)
            #expect(try await Self.get(web.port, "/runtime").status == 404)
            #expect(!(try await Self.get(web.port, "/").body.contains(#""graphPage":"#)), "no link to a page that is not there")
            #expect(await Self.stop(web) == 0, "\(web.output)")
        }
    }
}
