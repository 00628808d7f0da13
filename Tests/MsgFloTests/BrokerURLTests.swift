import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Suite("BrokerURL", .logsOnFailure)
struct BrokerURLTests {
    struct Parsed: Sendable, CustomTestStringConvertible {
        var text: String
        var scheme: BrokerURL.Scheme
        var user: String?
        var password: String?
        var host: String
        var port: Int
        var vhost: String
        var heartbeat: Int?
        var testDescription: String { text }
    }

    @Test(arguments: [
        Parsed(text: "amqp://localhost", scheme: .amqp, host: "localhost", port: 5672, vhost: "/"),
        Parsed(text: "amqp://localhost/", scheme: .amqp, host: "localhost", port: 5672, vhost: "/"),
        Parsed(
            text: "amqp://guest:guest@localhost:5672", scheme: .amqp, user: "guest", password: "guest",
            host: "localhost", port: 5672, vhost: "/"),
        Parsed(
            text: "amqp://guest:guest@localhost:5672/%2F", scheme: .amqp, user: "guest", password: "guest",
            host: "localhost", port: 5672, vhost: "/"),
        Parsed(
            text: "amqps://u:p%40ss@rabbit.example.com/prod?heartbeat=30", scheme: .amqps, user: "u",
            password: "p@ss", host: "rabbit.example.com", port: 5671, vhost: "prod", heartbeat: 30),
        Parsed(text: "AMQP://h:1234/a%2Fb", scheme: .amqp, host: "h", port: 1234, vhost: "a/b"),
        Parsed(text: "mqtt://localhost", scheme: .mqtt, host: "localhost", port: 1883, vhost: "/"),
        Parsed(text: "mqtts://broker:9999", scheme: .mqtts, host: "broker", port: 9999, vhost: "/"),
        Parsed(text: "direct://test-broker", scheme: .direct, host: "test-broker", port: 0, vhost: "/"),
        Parsed(text: "amqp://[::1]:5673", scheme: .amqp, host: "::1", port: 5673, vhost: "/"),
        Parsed(
            text: "amqp://user@10.0.0.1:5673/vh?heartbeat=0", scheme: .amqp, user: "user",
            host: "10.0.0.1", port: 5673, vhost: "vh", heartbeat: 0),
    ])
    func parses(_ expected: Parsed) throws {
        let url = try BrokerURL(parsing: expected.text)
        #expect(url.scheme == expected.scheme)
        #expect(url.user == expected.user)
        #expect(url.password == expected.password)
        #expect(url.host == expected.host)
        #expect(url.port == expected.port)
        #expect(url.vhost == expected.vhost)
        #expect(url.heartbeat == expected.heartbeat)
    }

    @Test(arguments: [
        ("localhost:5672", "no scheme"),
        ("http://localhost", "scheme 'http' is not supported"),
        ("amqp://", "no host"),
        ("direct://", "names no broker"),
        ("amqp://localhost:notaport", "not a valid URL"),
        ("amqp://localhost:70000", "out of range"),
        ("amqp://localhost/a/b", "escape it as %2F"),
        ("amqp://localhost?heartbeat=soon", "heartbeat 'soon'"),
        ("amqp://localhost/%zz", "not followed by two hex digits"),
        ("amqp://user:50%@localhost", "not followed by two hex digits"),
    ])
    func rejectsMalformed(_ text: String, _ reason: String) {
        #expect {
            _ = try BrokerURL(parsing: text)
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test func errorNeverShowsThePassword() {
        let error = #expect(throws: BrokerURLError.self) {
            _ = try BrokerURL(parsing: "ftp://bob:secret@host")
        }
        #expect(error?.description.contains("secret") == false)
        #expect(error?.description.contains("bob:***@host") == true)
    }

    @Test(arguments: [
        ("amqp://guest:guest@localhost:5672/%2F", "amqp://guest@localhost:5672/%2F"),
        ("amqps://a:b@h/prod", "amqps://a@h:5671/prod"),
        ("direct://x", "direct://x"),
        ("amqp://[::1]", "amqp://[::1]:5672/%2F"),
    ])
    func describesWithoutPassword(_ text: String, _ described: String) throws {
        #expect(try BrokerURL(parsing: text).description == described)
    }

    struct Resolution: Sendable {
        var flag: String?
        var environment: [String: String]
        var expectedHost: String
    }

    @Test(arguments: [
        Resolution(
            flag: "amqp://flag", environment: ["MSGFLO_BROKER": "amqp://env", "CLOUDAMQP_URL": "amqp://cloud"],
            expectedHost: "flag"),
        Resolution(
            flag: nil, environment: ["MSGFLO_BROKER": "amqp://env", "CLOUDAMQP_URL": "amqp://cloud"],
            expectedHost: "env"),
        Resolution(flag: "", environment: ["CLOUDAMQP_URL": "amqp://cloud"], expectedHost: "cloud"),
        Resolution(flag: nil, environment: ["MSGFLO_BROKER": " ", "CLOUDAMQP_URL": "amqp://cloud"], expectedHost: "cloud"),
        Resolution(flag: nil, environment: [:], expectedHost: "localhost"),
    ])
    func resolvesInPrecedenceOrder(_ case_: Resolution) throws {
        let url = try BrokerURL.resolve(flag: case_.flag, environment: case_.environment)
        #expect(url.host == case_.expectedHost)
    }

    @Test func resolveNamesTheSourceOfABadURL() {
        let error = #expect(throws: BrokerURLError.self) {
            _ = try BrokerURL.resolve(flag: nil, environment: ["MSGFLO_BROKER": "amqp//oops"])
        }
        #expect(error?.source == "MSGFLO_BROKER")
        #expect(error?.description.contains("(from MSGFLO_BROKER)") == true)
    }
}
