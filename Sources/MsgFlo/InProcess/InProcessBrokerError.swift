import Foundation

/// Why the in-process broker refused an operation. Mirrors the AMQP channel
/// errors RabbitMQ would raise, so code tested in-process fails the same way.
public enum InProcessBrokerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// AMQP 404 on an exchange.
    case noSuchExchange(String)
    /// AMQP 404 on a queue.
    case noSuchQueue(String)
    /// AMQP 406: redeclared with different properties.
    case preconditionFailed(String)
    /// AMQP 403: the default exchange cannot be declared or bound.
    case accessRefused(String)
    /// The transport was used before `connect()` or after `disconnect()`.
    case notConnected
    /// A URL that is not `direct://name`.
    case invalidURL(String)

    public var description: String {
        switch self {
        case .noSuchExchange(let name):
            return "no exchange '\(name)' on the in-process broker: declare it (outport or topology step) before publishing or binding"
        case .noSuchQueue(let name):
            return "no queue '\(name)' on the in-process broker: declare it (inport or topology step) before consuming or binding"
        case .preconditionFailed(let detail):
            return "in-process broker PRECONDITION_FAILED: \(detail); declare with the same properties as the existing one or delete it first"
        case .accessRefused(let detail):
            return "in-process broker ACCESS_REFUSED: \(detail)"
        case .notConnected:
            return "in-process transport is not connected: call connect() first"
        case .invalidURL(let url):
            return "'\(url)' is not an in-process broker URL: use direct://<name>"
        }
    }
}
