import MsgFlo
import TestSupport
import Testing

@testable import MsgFloAMQP

/// Every AMQP 0-9-1 reply code a broker can close a channel or connection
/// with, as the TransportError the caller sees: retried or not.
@Suite("AMQP reply codes", .logsOnFailure)
struct AMQPReplyCodeTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var replyCode: Int
        var text: String = ""
        var duringLogin = false
        var code: TransportError.Code
        var transient: Bool
        var testDescription: String { "\(replyCode) \(text)\(duringLogin ? " at login" : "")" }
    }

    static let rows: [Row] = [
        Row(replyCode: 311, code: .messageTooLarge, transient: false),
        Row(replyCode: 312, text: "NO_ROUTE", code: .unroutable, transient: false),
        Row(replyCode: 313, code: .unroutable, transient: false),
        Row(
            replyCode: 320, text: "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'",
            code: .connectionFailed, transient: true),
        Row(replyCode: 402, code: .notFound, transient: false),
        Row(
            replyCode: 403, text: "ACCESS_REFUSED - access to exchange 'x' in vhost '/' refused for user 'u'",
            code: .accessRefused, transient: false),
        Row(
            replyCode: 403, text: "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN",
            duringLogin: true, code: .authenticationFailed, transient: false),
        Row(replyCode: 404, text: "NOT_FOUND - no exchange 'x' in vhost '/'", code: .notFound, transient: false),
        Row(
            replyCode: 405, text: "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q'",
            code: .resourceLocked, transient: true),
        Row(
            replyCode: 406, text: "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q'",
            code: .preconditionFailed, transient: false),
        Row(
            replyCode: 406, text: "PRECONDITION_FAILED - message size 200000 is larger than configured max size 131072",
            code: .messageTooLarge, transient: false),
        Row(replyCode: 501, code: .protocolError, transient: false),
        Row(replyCode: 502, code: .protocolError, transient: false),
        Row(replyCode: 503, code: .protocolError, transient: false),
        Row(replyCode: 504, code: .protocolError, transient: false),
        Row(replyCode: 505, code: .protocolError, transient: false),
        Row(replyCode: 506, code: .brokerUnavailable, transient: true),
        Row(
            replyCode: 530, text: "NOT_ALLOWED - access to vhost 'v' refused for user 'u'", duringLogin: true,
            code: .accessRefused, transient: false),
        Row(
            replyCode: 530, text: "NOT_ALLOWED - vhost no-such-vhost not found", duringLogin: true,
            code: .notFound, transient: false),
        Row(replyCode: 540, code: .protocolError, transient: false),
        Row(replyCode: 541, code: .brokerUnavailable, transient: true),
        Row(replyCode: 999, code: .protocolError, transient: false),
    ]

    @Test(arguments: rows)
    func classifies(_ row: Row) throws {
        #expect(AMQPReplyCode.code(row.replyCode, text: row.text, duringLogin: row.duringLogin) == row.code)
        let url = try BrokerURL(parsing: "amqp://user:secret@broker.example:5672/v")
        let error = AMQPReplyCode.error(
            row.replyCode, text: row.text, doing: "publish to exchange 'x'", url: url,
            queue: "x", duringLogin: row.duringLogin)
        #expect(error.code == row.code)
        #expect(error.isTransient == row.transient)
        #expect(error.replyCode == row.replyCode)
        #expect(error.queue == "x")
        #expect(error.url == "amqp://user@broker.example:5672/v")
        #expect(!error.message.contains("secret"))
        #expect(error.message.hasPrefix("amqp://user@broker.example:5672/v refused to publish to exchange 'x' (reply \(row.replyCode)): "))
    }

    @Test func theMessageNamesTheReplyAndWhatToDo() throws {
        let url = try BrokerURL(parsing: "amqp://localhost")
        #expect(
            AMQPReplyCode.error(
                406, text: "PRECONDITION_FAILED - message size 9 is larger than configured max size 8",
                doing: "publish to exchange 'big'", url: url
            ).message
                == "amqp://localhost:5672/%2F refused to publish to exchange 'big' (reply 406): PRECONDITION_FAILED - message size 9 is larger than configured max size 8; send smaller messages, or raise the broker's limit (RabbitMQ max_message_size)"
        )
        #expect(
            AMQPReplyCode.error(312, text: "", doing: "publish to exchange 'e'", url: url).message
                == "amqp://localhost:5672/%2F refused to publish to exchange 'e' (reply 312): NO_ROUTE; no queue is bound to take it; apply the graph's bindings (msgflo setup GRAPH)"
        )
    }
}
