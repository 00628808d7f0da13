import MsgFlo
/// Why an AMQP call failed, as the connection threads need to know it: whether
/// the connection is gone (reconnect and retry) or only a channel was closed
/// by the broker (the request was wrong; report it, reopen the channel).
enum AMQPFailure: Error, CustomStringConvertible {
    /// The connection cannot be used any more.
    case connection(String)
    /// The broker closed a channel, e.g. 404 NOT_FOUND or 406 PRECONDITION_FAILED.
    case channel(code: Int, text: String)

    var description: String {
        switch self {
        case let .connection(reason): reason
        case let .channel(code, text): "broker closed the channel (\(code)): \(text)"
        }
    }
}

/// What callers of `AMQPTransport` see when something cannot be done.
public struct AMQPError: Error, Hashable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// The broker refused a request (bad queue name, 406 on a mismatched declaration, 404 on a missing queue...).
        case brokerRefused
        /// The broker nacked a publish: it could not take responsibility for the message.
        case publishNacked
        /// No confirm within the transport's publish timeout (the broker was unreachable).
        case publishTimedOut
        /// The transport was disconnected (or never connected) before the request ran.
        case notConnected
        /// The broker URL cannot be used by this transport (wrong scheme).
        case unsupportedURL
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
