import Foundation
import Testing
@testable import Guv

/// A queue declared and filled through the real RabbitMQ management API.
struct TestQueue {
    let endpoint: ManagementEndpoint
    let name: String
    /// Generous: the shared machine is sometimes very busy.
    let transport = URLSessionTransport(timeout: 60)

    static func endpoint() throws -> ManagementEndpoint {
        let url = ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672"
        return try ManagementEndpoint.from(broker: nil, environment: ["GUV_MANAGEMENT_URL": url])
    }

    init(prefix: String) throws {
        endpoint = try Self.endpoint()
        name = "\(prefix).\(UUID().uuidString.prefix(8))"
    }

    private func call(_ method: String, _ path: String, _ body: String?) async throws -> Int {
        let request = HTTPRequest(method: method, url: URL(string: endpoint.baseURL.absoluteString + path)!,
                                  headers: ["Authorization": endpoint.authorization, "Content-Type": "application/json"],
                                  body: body.map { Data($0.utf8) })
        // One retry on a network failure (not on an HTTP error status).
        do {
            return try await transport.send(request).status
        } catch is HTTPTransportError {
            return try await transport.send(request).status
        }
    }

    func declare() async throws {
        // x-expires: the broker drops the queue 2 minutes after its last use even
        // if a failed test never reaches `delete()`.
        let status = try await call("PUT", "/api/queues/%2F/\(name)", #"{"durable":false,"auto_delete":false,"arguments":{"x-expires":120000}}"#)
        #expect(status == 201 || status == 204)
    }

    func publish(_ count: Int) async throws {
        for i in 0..<count {
            let body = #"{"properties":{},"routing_key":"\#(name)","payload":"job \#(i)","payload_encoding":"string"}"#
            #expect(try await call("POST", "/api/exchanges/%2F/amq.default/publish", body) == 200)
        }
    }

    func delete() async {
        _ = try? await call("DELETE", "/api/queues/%2F/\(name)", nil)
    }

    /// Declare a fresh queue, run `body`, and delete the queue whatever happened.
    static func with(prefix: String, _ body: (TestQueue) async throws -> Void) async throws {
        let queue = try TestQueue(prefix: prefix)
        try await queue.declare()
        do {
            try await body(queue)
        } catch {
            await queue.delete()
            throw error
        }
        await queue.delete()
    }
}

@Suite("Governor against RabbitMQ and the local formation", .serialized, .timeLimit(.minutes(5)))
struct GovernorIntegrationTests {
    func config(queue: String) throws -> GuvConfig {
        try ConfigLoader.load("""
        '*': {app: local, pollinterval: 1}
        t: {queue: \(queue), worker: worker, p: 10, stddev: 5, deadline: 60, concurrency: 3, max: 40}
        ghost: {queue: \(queue), worker: ghost}
        gone: {queue: \(queue).missing, worker: other}
        """, environment: [:])
    }

    /// Waits until the management API's (5 s sampled) stats show the messages.
    func waitForStats(_ stats: ManagementAPIClient, queue: String, messages: Int) async throws {
        let end = Date().addingTimeInterval(30)
        while Date() < end {
            if (try? await stats.observe(queue: queue))?.messages == messages { return }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        Issue.record("management API never reported \(messages) messages in \(queue)")
    }

    /// A test queue holding 40 messages, a local formation of `worker` and
    /// `other` behind its Heroku-style routes, and a governor over both.
    func withGovernor(prefix: String, dryRun: Bool,
                      _ body: (Governor, LocalFormation) async throws -> Void) async throws {
        try await TestQueue.with(prefix: prefix) { queue in
            try await queue.publish(40)
            let stats = ManagementAPIClient(endpoint: queue.endpoint, transport: URLSessionTransport())
            try await waitForStats(stats, queue: queue.name, messages: 40)

            let procfile = try Procfile.parse("worker: sleep 1000\nother: sleep 1000")
            let formation = LocalFormation(procfile: procfile, app: "local") { _ in }
            defer { formation.beginStopAll() }
            let server = MiniHTTPServer { FormationRoutes(formation: formation).handle($0) }
            try server.start(port: 0)
            defer { server.stop() }
            let heroku = HerokuClient(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, token: nil, transport: URLSessionTransport())

            let governor = Governor(config: try config(queue: queue.name), stats: stats, formation: heroku, dryRun: dryRun)
            try await body(governor, formation)
        }
    }

    @Test func dryRunOneshotDecidesWithoutScaling() async throws {
        try await withGovernor(prefix: "guv.test.dry", dryRun: true) { governor, formation in
            let records = await governor.iterate()
            let t = try #require(records.first { $0.role == "t" })
            #expect(t.messages == 40 && t.ready == 40 && t.consumers == 0)
            #expect(t.estimate == 4 && t.current == 0 && t.new == 4 && t.dryRun && t.error == nil)
            #expect(formation.formation().first { $0.type == "worker" }?.quantity == 0)
            let json = try JSONSerialization.jsonObject(with: Data(t.jsonLine.utf8)) as? [String: Any]
            let keys = Set(json.map { Array($0.keys) } ?? [])
            #expect(keys.isSuperset(of: ["queue", "messages", "publish_rate", "ack_rate", "estimate", "current", "new"]))
        }
    }

    @Test func scalesTheLocalFormationAndKeepsGoingPastBrokenRoles() async throws {
        try await withGovernor(prefix: "guv.test.run", dryRun: false) { governor, formation in
            let records = await governor.iterate()
            let byRole = Dictionary(uniqueKeysWithValues: records.map { ($0.role, $0) })
            #expect(byRole["t"]?.new == 4 && byRole["t"]?.error == nil)
            #expect(byRole["ghost"]?.error?.contains("process type 'ghost' missing") == true)
            #expect(byRole["ghost"]?.estimate == 5 && byRole["ghost"]?.new == nil)   // guv defaults, max 5
            #expect(byRole["gone"]?.error?.contains("does not exist") == true)
            #expect(formation.formation().first { $0.type == "worker" }?.quantity == 4)
            #expect(await eventually { formation.liveCount("worker") == 4 })

            // Second iteration, same queue: nothing to change.
            let again = await governor.iterate()
            #expect(again.first { $0.role == "t" }?.current == 4)
            #expect(again.first { $0.role == "t" }?.new == nil)
        }
    }
}
