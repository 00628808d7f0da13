/// The refusals of the in-process broker, as the `TransportError`s RabbitMQ's
/// channel errors become, so code tested in-process fails the same way.
extension TransportError {
    /// AMQP 404 on an exchange.
    static func inProcessNoSuchExchange(_ name: String) -> TransportError {
        TransportError(
            .notFound, "no exchange '\(name)' on the in-process broker: declare it (outport or topology step) before publishing or binding",
            queue: name, replyCode: 404)
    }

    /// AMQP 404 on a queue.
    static func inProcessNoSuchQueue(_ name: String) -> TransportError {
        TransportError(
            .notFound, "no queue '\(name)' on the in-process broker: declare it (inport or topology step) before consuming or binding",
            queue: name, replyCode: 404)
    }

    /// AMQP 406: redeclared with different properties.
    static func inProcessPreconditionFailed(_ detail: String, name: String) -> TransportError {
        TransportError(
            .preconditionFailed,
            "in-process broker PRECONDITION_FAILED: \(detail); declare with the same properties as the existing one or delete it first",
            queue: name, replyCode: 406)
    }

    /// AMQP 403: the default exchange cannot be declared or bound.
    static func inProcessAccessRefused(_ detail: String) -> TransportError {
        TransportError(.accessRefused, "in-process broker ACCESS_REFUSED: \(detail)", replyCode: 403)
    }

    /// The transport was used before `connect()` or after `disconnect()`.
    static let inProcessNotConnected = TransportError(.notConnected, "in-process transport is not connected: call connect() first")

    /// A URL that is not `direct://name`.
    static func inProcessInvalidURL(_ url: String) -> TransportError {
        TransportError(.unsupportedURL, "'\(url)' is not an in-process broker URL: use direct://<name>", url: url)
    }
}
