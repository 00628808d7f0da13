import MsgFlo

/// AMQP 0-9-1 reply codes (the broker's `channel.close` / `connection.close`)
/// as `TransportError`s: which kind of failure, whether it is transient, and
/// what the user should do. Pure, so the whole table is tested.
enum AMQPReplyCode {
    /// The spec's name of a reply code (`NO_ROUTE`), or the number.
    static func name(_ replyCode: Int) -> String {
        switch replyCode {
        case 311: "CONTENT_TOO_LARGE"
        case 312: "NO_ROUTE"
        case 313: "NO_CONSUMERS"
        case 320: "CONNECTION_FORCED"
        case 402: "INVALID_PATH"
        case 403: "ACCESS_REFUSED"
        case 404: "NOT_FOUND"
        case 405: "RESOURCE_LOCKED"
        case 406: "PRECONDITION_FAILED"
        case 501: "FRAME_ERROR"
        case 502: "SYNTAX_ERROR"
        case 503: "COMMAND_INVALID"
        case 504: "CHANNEL_ERROR"
        case 505: "UNEXPECTED_FRAME"
        case 506: "RESOURCE_ERROR"
        case 530: "NOT_ALLOWED"
        case 540: "NOT_IMPLEMENTED"
        case 541: "INTERNAL_ERROR"
        default: "\(replyCode)"
        }
    }

    /// The kind of failure a reply code means. `duringLogin` is true for a
    /// `connection.close` answering the login, where 403 means bad credentials.
    static func code(_ replyCode: Int, text: String, duringLogin: Bool = false) -> TransportError.Code {
        switch replyCode {
        case 311: return .messageTooLarge
        case 312, 313: return .unroutable
        case 320: return .connectionFailed
        case 402: return .notFound
        case 403: return duringLogin ? .authenticationFailed : .accessRefused
        case 404: return .notFound
        case 405: return .resourceLocked
        case 406:
            // RabbitMQ reports a message over max_message_size as 406 with this text.
            return text.contains("larger than configured max size") ? .messageTooLarge : .preconditionFailed
        case 506, 541: return .brokerUnavailable
        case 530:
            // RabbitMQ answers a login to a missing virtual host with 530 "vhost ... not found".
            return text.contains("not found") ? .notFound : .accessRefused
        default: return .protocolError
        }
    }

    /// What to do about a failure of this kind.
    static func advice(_ code: TransportError.Code) -> String {
        switch code {
        case .messageTooLarge: "send smaller messages, or raise the broker's limit (RabbitMQ max_message_size)"
        case .unroutable: "no queue is bound to take it; apply the graph's bindings (msgflo setup GRAPH)"
        case .connectionFailed: "the broker closed the connection (restarting?); it reconnects by itself"
        case .authenticationFailed: "check user:password in the broker URL"
        case .accessRefused: "grant the broker user permission on this virtual host and resource"
        case .notFound: "declare it first (a participant declares its ports; msgflo setup declares the graph's)"
        case .resourceLocked: "another connection holds this exclusive queue; try again once it is gone"
        case .preconditionFailed: "it exists with other properties; declare it with the same ones, or delete it first"
        case .brokerUnavailable: "the broker is short of resources or failed; try again later"
        default: "a protocol error between the broker and this client"
        }
    }

    /// The failure a `channel.close` or `connection.close` stands for,
    /// `doing` saying what was refused ("publish to exchange 'x'").
    static func error(
        _ replyCode: Int, text: String, doing: String, url: BrokerURL, queue: String? = nil,
        duringLogin: Bool = false
    ) -> TransportError {
        let code = code(replyCode, text: text, duringLogin: duringLogin)
        var advice = duringLogin && code == .notFound ? "check the virtual host (the path of the broker URL)" : advice(code)
        if code == .preconditionFailed, let clash = QueueTypeClash(replyText: text) {
            advice = clash.advice(queue: queue ?? "?")
        }
        let name = name(replyCode)
        let reply = text.hasPrefix(name) ? text : text.isEmpty ? name : "\(name) - \(text)"
        return TransportError(
            code, "\(url) refused to \(doing) (reply \(replyCode)): \(reply); \(advice)",
            url: url.description, queue: queue, replyCode: replyCode)
    }
}
