import Foundation
import MsgFlo
import PlatformClients
import TestSupport
import Testing

/// The client against the shared RabbitMQ's real management API
/// (MSGFLO_TEST_BROKER, MSGFLO_TEST_MANAGEMENT_URL).
@Suite("RabbitMQ management client against RabbitMQ", .tags(.amqpIntegration), .timeLimit(.minutes(2)), .logsOnFailure)
struct ManagementIntegrationTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var broker: String { environment["MSGFLO_TEST_BROKER"] ?? "amqp://guest:guest@localhost:5672" }
    static var managementURL: String { environment["MSGFLO_TEST_MANAGEMENT_URL"] ?? "http://guest:guest@localhost:15672" }

    static func client() throws -> RabbitMQManagementClient {
        let endpoint = try ManagementEndpoint.resolve(broker: broker, environment: ["RABBITMQ_MANAGEMENT_URL": managementURL])
        return RabbitMQManagementClient(endpoint: endpoint, http: URLSessionHTTPClient(timeout: 60))
    }

    /// Declares a queue (expiring, should a test never delete it) and an exchange
    /// bound to it through the management API, runs `body`, removes both.
    static func withQueue(_ body: (RabbitMQManagementClient, String) async throws -> Void) async throws {
        let client = try client()
        let name = "test.platform.\(UUID().uuidString.prefix(8))"
        let declared = try await client.send(
            "PUT", ["queues", "/", name],
            json: Data(#"{"durable":false,"auto_delete":false,"arguments":{"x-expires":120000}}"#.utf8))
        #expect(declared.status == 201 || declared.status == 204)
        let exchange = try await client.send(
            "PUT", ["exchanges", "/", name + ".x"],
            json: Data(#"{"type":"fanout","durable":false,"auto_delete":false}"#.utf8))
        #expect(exchange.status == 201 || exchange.status == 204)
        let bound = try await client.send("POST", ["bindings", "/", "e", name + ".x", "q", name], json: Data(#"{"routing_key":"k"}"#.utf8))
        #expect(bound.status == 201)
        do {
            try await body(client, name)
        } catch {
            await cleanUp(client, name)
            throw error
        }
        await cleanUp(client, name)
    }

    static func cleanUp(_ client: RabbitMQManagementClient, _ name: String) async {
        _ = try? await client.send("DELETE", ["queues", "/", name])
        _ = try? await client.send("DELETE", ["exchanges", "/", name + ".x"])
        _ = try? await client.deletePolicy(named: name)
    }

    static func publish(_ client: RabbitMQManagementClient, to queue: String, count: Int) async throws {
        for i in 0..<count {
            let body = #"{"properties":{},"routing_key":"\#(queue)","payload":"m\#(i)","payload_encoding":"string"}"#
            #expect(try await client.send("POST", ["exchanges", "/", "amq.default", "publish"], json: Data(body.utf8)).status == 200)
        }
    }

    @Test func readsQueueStatsAndBindings() async throws {
        try await Self.withQueue { client, name in
            let fresh = try await client.queue(name)
            #expect(fresh.name == name && fresh.vhost == "/" && fresh.consumers == 0)
            #expect(try await client.queues().contains { $0.name == name })

            let into = try await client.bindings(destination: name)
            #expect(into.contains(BrokerBinding(source: name + ".x", destination: name, routingKey: "k", propertiesKey: "k")))
            #expect(into.contains { $0.source == "" && $0.routingKey == name }) // the default exchange's
            let from = try await client.bindings(source: name + ".x")
            #expect(from.map(\.destination) == [name])
            #expect(try await client.bindings().contains { $0.source == name + ".x" })

            try await Self.publish(client, to: name, count: 3)
            // The broker samples statistics every 5 s.
            let counted = try await eventually(timeout: .seconds(30)) { try await client.queue(name).messages == 3 }
            #expect(counted)
        }
    }

    /// The policy `msgflo setup` will put on the fbp queue, on a test queue.
    @Test func aMaxLengthPolicyCapsTheQueue() async throws {
        try await Self.withQueue { client, name in
            let policy = RabbitMQPolicy.maxLength(name: name, queue: name, messages: 2, overflow: .dropHead, priority: 7)
            try await client.putPolicy(policy)
            #expect(try await client.policy(named: name) == policy)
            #expect(try await client.policies().contains(policy))
            // Applied by the broker, not only stored.
            let applied = try await eventually(timeout: .seconds(30)) {
                let raw = try await client.send("GET", ["queues", "/", name])
                return String(decoding: raw.body, as: UTF8.self).contains(#""policy":"\#(name)""#)
            }
            #expect(applied)
            try await Self.publish(client, to: name, count: 5)
            let capped = try await eventually(timeout: .seconds(30)) { try await client.queue(name).messages == 2 }
            #expect(capped)
            #expect(try await client.deletePolicy(named: name))
            #expect(try await client.policy(named: name) == nil)
            #expect(try await !client.deletePolicy(named: name))
        }
    }

    @Test func missingQueueWrongPasswordAndNoListenerAreTypedErrors() async throws {
        let client = try Self.client()
        let missing = await #expect(throws: ManagementError.self) { try await client.queue("test.platform.missing") }
        #expect(missing == .notFound(kind: "queue", name: "test.platform.missing", vhost: "/"))

        var wrong = client.endpoint
        wrong.password = "not-the-password"
        let refused = await #expect(throws: ManagementError.self) {
            try await RabbitMQManagementClient(endpoint: wrong, http: URLSessionHTTPClient()).queue("q")
        }
        if case .unauthorized(_, _, let status)? = refused { #expect(status == 401) } else { Issue.record("\(String(describing: refused))") }

        let nowhere = try ManagementEndpoint.resolve(broker: nil, environment: ["RABBITMQ_MANAGEMENT_URL": "http://127.0.0.1:1"])
        let unreachable = await #expect(throws: ManagementError.self) {
            try await RabbitMQManagementClient(endpoint: nowhere, http: URLSessionHTTPClient()).queue("q")
        }
        if case .unreachable? = unreachable {} else { Issue.record("\(String(describing: unreachable))") }
    }

    /// The derived path: the test broker's AMQP URL alone finds the management
    /// API when the broker runs on the default ports (the shared one does).
    @Test func derivedFromTheAMQPURLAlone() async throws {
        let derived = try ManagementEndpoint.resolve(broker: Self.broker, environment: [:])
        let explicit = try Self.client().endpoint
        try #require(
            derived.apiURL == explicit.apiURL,
            "the test broker is not on the default ports (\(derived.apiURL) vs \(explicit.apiURL)); the derivation rule does not apply to it")
        try await Self.withQueue { _, name in
            let stats = try await RabbitMQManagementClient(endpoint: derived, http: URLSessionHTTPClient(timeout: 60)).queue(name)
            #expect(stats.name == name)
        }
    }
}
