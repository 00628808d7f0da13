import Foundation
import PlatformClients
import TestSupport
import Testing

@testable import Guv

/// A queue declared and filled through the real RabbitMQ management API.
struct TestQueue {
    /// Generous timeout: the shared machine is sometimes very busy.
    let management: RabbitMQManagementClient
    let name: String

    static func endpoint() throws -> ManagementEndpoint {
        let url = ProcessInfo.processInfo.environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672"
        return try ManagementEndpoint.resolve(broker: nil, environment: ["GUV_MANAGEMENT_URL": url])
    }

    init(prefix: String) throws {
        management = RabbitMQManagementClient(endpoint: try Self.endpoint(), http: URLSessionHTTPClient(timeout: 60))
        name = "\(prefix).\(UUID().uuidString.prefix(8))"
    }

    private func call(_ method: String, _ segments: [String], _ body: String?) async throws -> Int {
        // One retry on a failure to get any answer (not on an HTTP error status).
        let data = body.map { Data($0.utf8) }
        if let response = try? await management.send(method, segments, json: data) { return response.status }
        return try await management.send(method, segments, json: data).status
    }

    func declare() async throws {
        // x-expires: the broker drops the queue 2 minutes after its last use even
        // if a failed test never reaches `delete()`.
        let status = try await call("PUT", ["queues", "/", name], #"{"durable":false,"auto_delete":false,"arguments":{"x-expires":120000}}"#)
        #expect(status == 201 || status == 204)
    }

    func publish(_ count: Int) async throws {
        for i in 0..<count {
            let body = #"{"properties":{},"routing_key":"\#(name)","payload":"job \#(i)","payload_encoding":"string"}"#
            #expect(try await call("POST", ["exchanges", "/", "amq.default", "publish"], body) == 200)
        }
    }

    func delete() async {
        _ = try? await call("DELETE", ["queues", "/", name], nil)
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

@Suite("Governor against RabbitMQ and the local formation", .serialized, .timeLimit(.minutes(5)), .logsOnFailure)
struct GovernorIntegrationTests {
    func config(queue: String) throws -> GuvConfig {
        try ConfigLoader.load(
            """
            '*': {app: local, pollinterval: 1}
            t: {queue: \(queue), worker: worker, p: 10, stddev: 5, deadline: 60, concurrency: 3, max: 40}
            ghost: {queue: \(queue), worker: ghost}
            gone: {queue: \(queue).missing, worker: other}
            """, environment: [:])
    }

    /// Waits until the management API's (5 s sampled) stats show the messages.
    func waitForStats(_ stats: RabbitMQManagementClient, queue: String, messages: Int) async throws {
        let seen = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            (try? await stats.observe(queue: queue))?.messages == messages
        }
        if !seen { Issue.record("management API never reported \(messages) messages in \(queue)") }
    }

    /// A test queue holding 40 messages, a local formation of `worker` and
    /// `other` behind its Heroku-style routes, and a governor over both.
    func withGovernor(
        prefix: String, dryRun: Bool,
        _ body: (Governor, LocalFormation) async throws -> Void
    ) async throws {
        try await TestQueue.with(prefix: prefix) { queue in
            try await queue.publish(40)
            let stats = queue.management
            try await waitForStats(stats, queue: queue.name, messages: 40)

            let procfile = try Procfile.parse("worker: sleep 1000\nother: sleep 1000")
            let formation = LocalFormation(procfile: procfile, app: "local") { _ in }
            defer { formation.beginStopAll() }
            let server = try TestHTTPServer(router: FormationRoutes(formation: formation).router)
            let heroku = HerokuClient(baseURL: server.url(), token: nil, http: URLSessionHTTPClient())

            let governor = Governor(config: try config(queue: queue.name), stats: stats, formation: heroku, dryRun: dryRun)
            do {
                try await body(governor, formation)
            } catch {
                server.stop()
                throw error
            }
            server.stop()
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
            #expect(byRole["ghost"]?.estimate == 5 && byRole["ghost"]?.new == nil) // guv defaults, max 5
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
