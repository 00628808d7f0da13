import TestSupport
import Testing

@testable import MsgFlo

@Suite("Broker URLs naming several nodes", .logsOnFailure)
struct BrokerClusterURLTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var endpoints: [String]
        var user: String?
        var vhost = "/"
        var testDescription: String { text }
    }

    @Test(arguments: [
        Case(text: "amqp://u:p@h1:5672,h2:5673,h3:5674/vh", endpoints: ["h1:5672", "h2:5673", "h3:5674"], user: "u", vhost: "vh"),
        Case(text: "amqp://h1,h2", endpoints: ["h1:5672", "h2:5672"]),
        Case(text: "amqps://u:p,w@h1,h2:1/", endpoints: ["h1:5671", "h2:1"], user: "u"),
        Case(text: "amqp://[::1]:5672,[::2],10.0.0.3:7", endpoints: ["[::1]:5672", "[::2]:5672", "10.0.0.3:7"]),
        Case(text: "mqtt://a:1884,b", endpoints: ["a:1884", "b:1883"]),
        Case(text: "amqp://u:p@a:1/v,amqp://u:p@b:2/v", endpoints: ["a:1", "b:2"], user: "u", vhost: "v"),
        Case(text: "amqp://a:1 amqp://b:2,c:3", endpoints: ["a:1", "b:2", "c:3"]),
        Case(text: "amqp://only:5672/%2F", endpoints: ["only:5672"]),
    ])
    func parses(_ example: Case) throws {
        let url = try BrokerURL(parsing: example.text)
        #expect(url.endpoints.map(\.description) == example.endpoints)
        #expect(url.user == example.user)
        #expect(url.vhost == example.vhost)
        #expect(url.at(url.endpoints[1 % url.endpoints.count]).failover.isEmpty)
    }

    @Test(arguments: [
        ("amqp://h1,", "is not host or host:port"),
        ("amqp://h1,h2:0", "is not host or host:port"),
        ("amqp://h1,h2:99999", "is not host or host:port"),
        ("amqp://h1,h2:x", "is not host or host:port"),
        ("amqp://h1,[::1", "is not host or host:port"),
        ("amqp://u:p@a/v,amqp://u:q@b/v", "differ in credentials"),
        ("amqp://a/v1,amqp://b/v2", "differ in virtual host"),
        ("amqp://a,mqtt://b", "differ in scheme"),
        ("direct://a,b", "no failover hosts"),
    ])
    func refuses(_ text: String, _ reason: String) {
        #expect {
            try BrokerURL(parsing: text)
        } throws: { error in
            "\(error)".contains(reason) && !"\(error)".contains("q@")
        }
    }

    @Test func theDescriptionNamesEveryNodeAndNoPassword() throws {
        let url = try BrokerURL(parsing: "amqp://u:secret@h1:5672,h2:5673/v")
        #expect(url.description == "amqp://u@h1:5672,h2:5673/v")
    }

    /// (events, expected after each: current endpoint, whether to back off)
    @Test func rotationMovesOnAndBacksOffOnlyAfterARound() {
        var rotation = FailoverRotation(count: 3)
        #expect(rotation.current == 0)
        #expect(rotation.attemptFailed() == false && rotation.current == 1)
        #expect(rotation.attemptFailed() == false && rotation.current == 2)
        #expect(rotation.attemptFailed() == true && rotation.current == 0, "all three failed")
        #expect(rotation.attemptFailed() == false && rotation.current == 1)
        rotation.connected()
        rotation.connectionLost()
        #expect(rotation.current == 2, "a lost node is not tried first")
        #expect(rotation.attemptFailed() == false && rotation.current == 0)
        #expect(rotation.attemptFailed() == false && rotation.current == 1)
        #expect(rotation.attemptFailed() == true)

        var single = FailoverRotation(count: 1)
        #expect(single.attemptFailed() == true && single.current == 0)
        single.connectionLost()
        #expect(single.current == 0)
        #expect(FailoverRotation(count: 0).count == 1)
    }

    @Test(
        arguments: [
            (
                "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received none but current is the value 'quorum' of type 'longstr'",
                QueueTypeClash(existing: .quorum, requested: .classic)
            ),
            (
                "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received 'classic' but current is 'quorum'",
                QueueTypeClash(existing: .quorum, requested: .classic)
            ),
            (
                "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received the value 'quorum' of type 'longstr' but current is none",
                QueueTypeClash(existing: .classic, requested: .quorum)
            ),
            ("PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' for queue 'q' in vhost '/': received none but current is 'x'", nil),
            ("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received 'stream' but current is none", nil),
            ("", nil),
        ] as [(String, QueueTypeClash?)])
    func readsTypeClashes(_ text: String, _ expected: QueueTypeClash?) {
        #expect(QueueTypeClash(replyText: text) == expected)
    }

    @Test func theDeploymentSetsTheQueueType() throws {
        #expect(try TransportOptions(environment: [:]).queueType == nil)
        #expect(try TransportOptions(environment: ["MSGFLO_QUEUE_TYPE": " Quorum "]).queueType == .quorum)
        #expect(try TransportOptions(environment: ["MSGFLO_QUEUE_TYPE": ""]).queueType == nil)
        #expect(throws: ParticipantError.self) { try TransportOptions(environment: ["MSGFLO_QUEUE_TYPE": "stream"]) }
    }
}
