import Foundation
import PlatformClients
import TestSupport
import Testing

@Suite("Where the RabbitMQ management API is", .logsOnFailure)
struct ManagementEndpointTests {
    struct Case: Sendable, CustomStringConvertible {
        var broker: String?
        var environment: [String: String] = [:]
        var flag: String?
        var api: String
        var user: String
        var password: String
        var vhost: String
        var description: String { "\(broker ?? "-") \(environment) \(flag ?? "-")" }
    }

    static let cases: [Case] = [
        // Derived from amqp://: RabbitMQ's default management port, whatever the AMQP port.
        Case(broker: "amqp://localhost:5672", api: "http://localhost:15672/api", user: "guest", password: "guest", vhost: "/"),
        Case(broker: "amqp://localhost", api: "http://localhost:15672/api", user: "guest", password: "guest", vhost: "/"),
        Case(broker: "amqp://guest:guest@localhost:5710", api: "http://localhost:15672/api", user: "guest", password: "guest", vhost: "/"),
        Case(broker: "amqp://u:p%40ss@rabbit.local/prod", api: "http://rabbit.local:15672/api", user: "u", password: "p@ss", vhost: "prod"),
        Case(broker: "amqp://u:p@host/my%2Fvhost", api: "http://host:15672/api", user: "u", password: "p", vhost: "my/vhost"),
        Case(broker: "amqp://u:p@[::1]:5672/", api: "http://[::1]:15672/api", user: "u", password: "p", vhost: "/"),
        // Derived from amqps://: HTTPS on 443, as CloudAMQP serves it.
        Case(
            broker: "amqps://user:pw@bunny.rmq.cloudamqp.com/user", api: "https://bunny.rmq.cloudamqp.com/api",
            user: "user", password: "pw", vhost: "user"),
        Case(
            broker: "amqps://user:pw@bunny.rmq.cloudamqp.com:5671/user", api: "https://bunny.rmq.cloudamqp.com/api",
            user: "user", password: "pw", vhost: "user"),
        // An explicit URL wins; credentials and vhost fill in from the broker.
        Case(
            broker: "amqp://a:b@host", environment: ["GUV_MANAGEMENT_URL": "http://admin:secret@mgmt:15673"],
            api: "http://mgmt:15673/api", user: "admin", password: "secret", vhost: "/"),
        Case(
            broker: "amqp://a:b@host/v", environment: ["RABBITMQ_MANAGEMENT_URL": "https://mgmt"],
            api: "https://mgmt/api", user: "a", password: "b", vhost: "v"),
        Case(
            broker: "amqp://guest:guest@localhost:5710", environment: ["RABBITMQ_MANAGEMENT_URL": "http://guest:guest@localhost:15710"],
            api: "http://localhost:15710/api", user: "guest", password: "guest", vhost: "/"),
        Case(
            broker: nil, environment: ["GUV_MANAGEMENT_URL": "http://guest:guest@localhost:15672"],
            api: "http://localhost:15672/api", user: "guest", password: "guest", vhost: "/"),
        // CloudAMQP's own form of the management URL, with /api/ given.
        Case(
            broker: "amqps://u:p@bunny.rmq.cloudamqp.com/u", environment: ["RABBITMQ_MANAGEMENT_URL": "https://u:p@bunny.rmq.cloudamqp.com/api/"],
            api: "https://bunny.rmq.cloudamqp.com/api", user: "u", password: "p", vhost: "u"),
        // A path prefix (behind a proxy) is kept.
        Case(
            broker: "amqp://h", environment: ["RABBITMQ_MANAGEMENT_URL": "https://ops.example/rabbitmq/"],
            api: "https://ops.example/rabbitmq/api", user: "guest", password: "guest", vhost: "/"),
        // Order: flag, GUV_MANAGEMENT_URL, RABBITMQ_MANAGEMENT_URL; empty values do not count.
        Case(
            broker: "amqp://h", environment: ["GUV_MANAGEMENT_URL": "http://g:1", "RABBITMQ_MANAGEMENT_URL": "http://r:2"],
            flag: "http://f:3", api: "http://f:3/api", user: "guest", password: "guest", vhost: "/"),
        Case(
            broker: "amqp://h", environment: ["GUV_MANAGEMENT_URL": "http://g:1", "RABBITMQ_MANAGEMENT_URL": "http://r:2"],
            api: "http://g:1/api", user: "guest", password: "guest", vhost: "/"),
        Case(
            broker: "amqp://h", environment: ["GUV_MANAGEMENT_URL": " ", "RABBITMQ_MANAGEMENT_URL": "http://r:2"], flag: "",
            api: "http://r:2/api", user: "guest", password: "guest", vhost: "/"),
    ]

    @Test("the one rule", arguments: cases)
    func rule(_ c: Case) throws {
        let endpoint = try ManagementEndpoint.resolve(flag: c.flag, broker: c.broker, environment: c.environment)
        #expect(endpoint.apiURL.absoluteString == c.api)
        #expect(endpoint.username == c.user)
        #expect(endpoint.password == c.password)
        #expect(endpoint.vhost == c.vhost)
    }

    static let failures: [(String?, [String: String], String)] = [
        (nil, [:], "no broker URL"),
        ("", [:], "no broker URL"),
        ("mqtt://localhost:1883", [:], "is not RabbitMQ"),
        ("direct://test", [:], "is not RabbitMQ"),
        ("amqp://host:99999", [:], "out of range"),
        ("amqp://h", ["RABBITMQ_MANAGEMENT_URL": "localhost:15672"], "not a URL"),
        ("amqp://h", ["RABBITMQ_MANAGEMENT_URL": "ftp://u:secret@h"], "must be http or https"),
    ]

    @Test("what cannot be resolved says what to set", arguments: failures)
    func failure(_ broker: String?, _ environment: [String: String], _ fragment: String) {
        do {
            let endpoint = try ManagementEndpoint.resolve(broker: broker, environment: environment)
            Issue.record("resolved to \(endpoint)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func pathsArePercentEncodedSegmentBySegment() {
        let endpoint = ManagementEndpoint(apiURL: URL(string: "http://h:15672/api")!, username: "g", password: "g")
        #expect(endpoint.url(["queues", "/", "resize.IN"]).absoluteString == "http://h:15672/api/queues/%2F/resize.IN")
        #expect(
            endpoint.url(["queues", "my vhost", "a b/c?d#é"]).absoluteString
                == "http://h:15672/api/queues/my%20vhost/a%20b%2Fc%3Fd%23%C3%A9")
        #expect(endpoint.authorization == "Basic Zzpn")
    }
}
