import Foundation
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import ImageResize

/// What POST /jobs answers when its messages cannot be published.
@Suite(.logsOnFailure) struct PublishFailureTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var error: any Error & Sendable
        var status: Int
        var code: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "no confirm in time", error: TransportError(.publishTimeout, "t"), status: 503, code: "unavailable"),
        Row(name: "broker unreachable", error: TransportError(.connectionFailed, "c"), status: 503, code: "unavailable"),
        Row(name: "nacked", error: TransportError(.publishRejected, "n"), status: 503, code: "unavailable"),
        Row(name: "not connected yet", error: TransportError(.notConnected, "n"), status: 503, code: "unavailable"),
        Row(
            name: "the web's deadline", error: DeadlineExceeded(what: "publishing the job", timeout: .seconds(5)),
            status: 503, code: "unavailable"),
        Row(
            name: "message too large", error: TransportError(.messageTooLarge, "m", url: "amqp://u@internal-host:5672/%2F"),
            status: 500, code: "broker_refused"),
        Row(name: "edge not bound (before msgflo setup)", error: TransportError(.unroutable, "u"), status: 503, code: "bindings_missing"),
        Row(name: "exchange missing", error: TransportError(.notFound, "n"), status: 500, code: "broker_refused"),
        Row(name: "access refused", error: TransportError(.accessRefused, "a"), status: 500, code: "broker_refused"),
    ]

    @Test(arguments: rows)
    func answers(_ row: Row) {
        let answer = APIError.publishFailed(row.error)
        #expect(answer.status == row.status)
        #expect(answer.code == row.code)
        #expect((answer.retryAfterSeconds != nil) == (row.status == 503), "only a transient failure says when to retry")
        #expect(!answer.message.contains("internal-host"), "the broker's address stays in the log")
    }
}
