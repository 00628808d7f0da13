import Foundation
import Testing
@testable import Guv

@Suite("RabbitMQ management API client")
struct ManagementAPITests {
    static let endpoints: [(String?, [String: String], String, String, String, String)] = [
        // broker, env, base URL, user, password, vhost
        ("amqp://guest:guest@localhost:5672", [:], "http://localhost:15672", "guest", "guest", "/"),
        ("amqp://u:p%40ss@rabbit.local/prod", [:], "http://rabbit.local:15672", "u", "p@ss", "prod"),
        ("amqps://user:pw@bunny.cloudamqp.com/user", [:], "https://bunny.cloudamqp.com", "user", "pw", "user"),
        ("amqp://a:b@host", ["GUV_MANAGEMENT_URL": "http://admin:secret@mgmt:15673"], "http://mgmt:15673", "admin", "secret", "/"),
        ("amqp://a:b@host/v", ["RABBITMQ_MANAGEMENT_URL": "https://mgmt"], "https://mgmt", "a", "b", "v"),
        (nil, ["GUV_MANAGEMENT_URL": "http://guest:guest@localhost:15672"], "http://localhost:15672", "guest", "guest", "/"),
    ]

    @Test("derived from the AMQP URL", arguments: endpoints)
    func endpoint(_ broker: String?, _ env: [String: String], _ base: String, _ user: String, _ password: String, _ vhost: String) throws {
        let e = try ManagementEndpoint.from(broker: broker, environment: env)
        #expect(e.baseURL.absoluteString == base)
        #expect(e.username == user && e.password == password && e.vhost == vhost)
    }

    @Test func queueURLEncodesVhostAndName() throws {
        let e = try ManagementEndpoint.from(broker: "amqp://g:g@h", environment: [:])
        #expect(e.queueURL("resize.IN").absoluteString == "http://h:15672/api/queues/%2F/resize.IN")
        #expect(e.queueURL("a b/c").absoluteString == "http://h:15672/api/queues/%2F/a%20b%2Fc")
        #expect(e.authorization == "Basic Zzpn")
    }

    @Test func rejectsOtherSchemes() {
        #expect(throws: StatsError.self) { try ManagementEndpoint.from(broker: "mqtt://h", environment: [:]) }
        #expect(throws: StatsError.self) { try ManagementEndpoint.from(broker: nil, environment: [:]) }
    }

    @Test func parsesQueueObject() throws {
        let json = #"{"name":"resize.IN","messages":42,"messages_ready":40,"messages_unacknowledged":2,"consumers":1,"message_stats":{"publish_details":{"rate":12.5},"ack_details":{"rate":10.0}}}"#
        let q = try ManagementAPIClient.parse(Data(json.utf8), queue: "resize.IN")
        #expect(q == QueueObservation(messages: 42, ready: 40, unacknowledged: 2, consumers: 1, publishRate: 12.5, ackRate: 10))
        let idle = try ManagementAPIClient.parse(Data(#"{"messages":0,"consumers":0}"#.utf8), queue: "q")
        #expect(idle.publishRate == 0 && idle.ackRate == 0 && idle.messages == 0)
    }
}
