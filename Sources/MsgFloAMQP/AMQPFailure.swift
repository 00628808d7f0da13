import MsgFlo

/// Why an AMQP call failed, as the connection threads need to know it: whether
/// the connection is gone (reconnect and retry), only a channel was closed by
/// the broker (the request was wrong; report it, reopen the channel), or the
/// broker refused the login (retrying will not help).
enum AMQPFailure: Error, CustomStringConvertible {
    /// The connection cannot be used any more.
    case connection(String)
    /// The broker closed a channel, e.g. 404 NOT_FOUND or 406 PRECONDITION_FAILED.
    case channel(code: Int, text: String)
    /// The broker refused the login with a permanent reason (bad credentials, no access to the virtual host).
    case refused(TransportError)

    var description: String {
        switch self {
        case .connection(let reason): reason
        case .channel(let code, let text): "broker closed the channel (\(code)): \(text)"
        case .refused(let error): error.message
        }
    }
}

extension TransportError {
    /// The transport is not connected (yet, or any more).
    static func amqpNotConnected(_ url: BrokerURL, _ detail: String = "call connect() first") -> TransportError {
        TransportError(.notConnected, "AMQP transport for \(url) is not connected; \(detail)", url: url.description)
    }

    /// The transport was disconnected before the request could complete.
    static func amqpClosed(_ url: BrokerURL, _ what: String) -> TransportError {
        TransportError(.closed, "AMQP transport for \(url) was disconnected before \(what)", url: url.description)
    }
}
