import Foundation
import MsgFlo
import PlatformClients
import TestSupport
import Testing

@Suite("RabbitMQ management client, stubbed network", .timeLimit(.minutes(1)), .logsOnFailure)
struct ManagementClientTests {
    static let endpoint = ManagementEndpoint(apiURL: URL(string: "http://rabbit:15672/api")!, username: "u", password: "p", vhost: "/")

    static func client(_ stub: StubHTTPClient) -> RabbitMQManagementClient {
        RabbitMQManagementClient(endpoint: endpoint, http: stub)
    }

    static let queues: [(String, QueueStats)] = [
        (
            #"{"name":"resize.IN","vhost":"/","messages":42,"messages_ready":40,"messages_unacknowledged":2,"consumers":1,"message_stats":{"publish_details":{"rate":12.5},"ack_details":{"rate":10.0},"deliver_get_details":{"rate":11}}}"#,
            QueueStats(name: "resize.IN", messages: 42, ready: 40, unacknowledged: 2, consumers: 1, publishRate: 12.5, ackRate: 10, deliverRate: 11)
        ),
        // An idle queue has no message_stats; a new one no counts yet.
        (#"{"name":"q","messages":0,"consumers":3}"#, QueueStats(name: "q", consumers: 3)),
        (#"{"name":"q","vhost":"v"}"#, QueueStats(name: "q", vhost: "v")),
        (#"{"name":"q","messages":5,"message_stats":[]}"#, QueueStats(name: "q", messages: 5, ready: 5)),
    ]

    @Test("decodes a queue object", arguments: queues)
    func decodesQueue(_ json: String, _ expected: QueueStats) async throws {
        let stub = StubHTTPClient(status: 200, json: json)
        #expect(try await Self.client(stub).queue(expected.name) == expected)
        let request = try #require(stub.requests.first)
        #expect(request.method == "GET")
        #expect(request.url.absoluteString == "http://rabbit:15672/api/queues/%2F/\(expected.name)")
        #expect(request.headers["Authorization"] == "Basic " + Data("u:p".utf8).base64EncodedString())
        #expect(request.headers["Accept"] == "application/json")
    }

    static let errorCases: [(Int, String, String)] = [
        (
            404, #"{"error":"Object Not Found","reason":"Not Found"}"#,
            "queue 'resize.IN' does not exist in vhost '/'; check the name, or run msgflo setup"
        ),
        (401, #"{"error":"not_authorised","reason":"Login failed"}"#, "refused user 'u' (HTTP 401)"),
        (500, #"{"error":"internal","reason":"boom"}"#, "HTTP 500 to GET http://rabbit:15672/api/queues/%2F/resize.IN: internal: boom"),
        (200, "<html>AMQP?</html>", "is not the RabbitMQ management API's"),
        (200, #"{"messages":3}"#, "no 'name' field"),
        (200, #"[]"#, "is not the RabbitMQ management API's"),
    ]

    @Test("errors say what to do", arguments: errorCases)
    func errors(_ status: Int, _ body: String, _ fragment: String) async {
        let stub = StubHTTPClient(status: status, json: body)
        do {
            let stats = try await Self.client(stub).queue("resize.IN")
            Issue.record("decoded \(stats)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func anUnreachableAPINamesTheOverride() async {
        let stub = StubHTTPClient { request throws(HTTPClientError) in
            throw HTTPClientError(url: request.url.absoluteString, reason: "Connection refused")
        }
        let error = await #expect(throws: ManagementError.self) { try await Self.client(stub).queue("q") }
        #expect(error == .unreachable(url: "http://rabbit:15672/api", reason: "Connection refused"))
        #expect(error?.description.contains("RABBITMQ_MANAGEMENT_URL") == true)
    }

    @Test func bindingsBySourceAndDestination() async throws {
        let json =
            #"[{"source":"resize.OUT","vhost":"/","destination":"store.IN","destination_type":"queue","routing_key":"","arguments":{"x-match":"all"},"properties_key":"~"},{"source":"","vhost":"/","destination":"x","destination_type":"exchange","routing_key":"x","arguments":{}}]"#
        let stub = StubHTTPClient(status: 200, json: json)
        let client = Self.client(stub)
        let all = try await client.bindings()
        #expect(
            all == [
                BrokerBinding(source: "resize.OUT", destination: "store.IN", arguments: ["x-match": "all"], propertiesKey: "~"),
                BrokerBinding(source: "", destination: "x", destinationType: .exchange, routingKey: "x"),
            ])
        _ = try await client.bindings(source: "resize.OUT")
        _ = try await client.bindings(destination: "store.IN")
        _ = try await client.bindings(destination: "x", type: .exchange)
        #expect(
            stub.requests.map(\.url.absoluteString) == [
                "http://rabbit:15672/api/bindings/%2F",
                "http://rabbit:15672/api/exchanges/%2F/resize.OUT/bindings/source",
                "http://rabbit:15672/api/queues/%2F/store.IN/bindings",
                "http://rabbit:15672/api/exchanges/%2F/x/bindings/destination",
            ])
    }

    @Test func bindingsOfAMissingExchange() async {
        let stub = StubHTTPClient(status: 404, json: #"{"error":"Object Not Found","reason":"Not Found"}"#)
        let error = await #expect(throws: ManagementError.self) { try await Self.client(stub).bindings(source: "ghost") }
        #expect(error == .notFound(kind: "exchange", name: "ghost", vhost: "/"))
    }

    @Test func putsGetsAndDeletesAPolicy() async throws {
        let stored =
            #"{"vhost":"/","name":"fbp-max","pattern":"^fbp$","apply-to":"queues","definition":{"max-length":1000,"overflow":"reject-publish"},"priority":1}"#
        let stub = StubHTTPClient { request throws(HTTPClientError) in
            switch request.method {
            case "PUT": HTTPClientResponse(status: 201)
            case "GET" where request.url.path.hasSuffix("fbp-max"): HTTPClientResponse(status: 200, body: Data(stored.utf8))
            case "DELETE" where request.url.path.hasSuffix("fbp-max"): HTTPClientResponse(status: 204)
            default: HTTPClientResponse(status: 404, body: Data(#"{"error":"Object Not Found","reason":"Not Found"}"#.utf8))
            }
        }
        let client = Self.client(stub)
        let policy = RabbitMQPolicy.maxLength(name: "fbp-max", queue: "fbp", messages: 1000, overflow: .rejectPublish, priority: 1)
        try await client.putPolicy(policy)
        let put = try #require(stub.requests.first)
        #expect(put.method == "PUT" && put.url.absoluteString == "http://rabbit:15672/api/policies/%2F/fbp-max")
        #expect(put.headers["Content-Type"] == "application/json")
        #expect(
            put.body.map { String(decoding: $0, as: UTF8.self) }
                == #"{"apply-to":"queues","definition":{"max-length":1000,"overflow":"reject-publish"},"pattern":"^fbp$","priority":1}"#)
        #expect(try await client.policy(named: "fbp-max") == policy)
        #expect(try await client.policy(named: "other") == nil)
        #expect(try await client.deletePolicy(named: "fbp-max"))
        #expect(try await !client.deletePolicy(named: "other"))
    }

    @Test func aRefusedPolicyCarriesTheBrokersReason() async {
        let stub = StubHTTPClient(
            status: 400,
            json: #"{"error":"bad_request","reason":"Validation failed\n\n[{<<\"max-lenght\">>,1}] are not recognised policy settings\n"}"#)
        let error = await #expect(throws: ManagementError.self) {
            try await Self.client(stub).putPolicy(RabbitMQPolicy(name: "p", pattern: ".*", definition: ["max-lenght": 1]))
        }
        #expect(error?.description.contains("are not recognised policy settings") == true)
    }

    static let patterns: [(String, String)] = [
        ("fbp", "^fbp$"),
        ("resize.IN", #"^resize\.IN$"#),
        ("a+b(c)", #"^a\+b\(c\)$"#),
    ]

    @Test("exact patterns escape regex characters", arguments: patterns)
    func exactPattern(_ name: String, _ pattern: String) {
        #expect(RabbitMQPolicy.exactPattern(name) == pattern)
    }
}
