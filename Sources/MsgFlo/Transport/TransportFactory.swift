import Foundation

/// A transport that can also apply graph bindings: what the tools need.
public typealias BrokerTransport = MessageTransport & BrokerAdmin

/// Picks the transport for a broker URL, so participants and tools take one
/// `--broker` / `MSGFLO_BROKER` and work on any supported broker.
public enum Transports {
    public struct UnsupportedBroker: Error, CustomStringConvertible {
        public var url: String
        public var description: String {
            "\(url): this build speaks amqp://, amqps://, mqtt:// and direct://NAME; MQTT over TLS (mqtts://) is not supported"
        }
    }

    public static func make(url: BrokerURL) throws -> any BrokerTransport {
        switch url.scheme {
        case .amqp, .amqps:
            return try AMQPTransport(url: url)
        case .direct:
            return try InProcessTransport(url: "direct://\(url.host)")
        case .mqtt:
            return try MQTTTransport(url: url)
        case .mqtts:
            throw UnsupportedBroker(url: url.description)
        }
    }

    /// Resolves `--broker`, `MSGFLO_BROKER`, `CLOUDAMQP_URL`, then `amqp://localhost`.
    public static func make(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any BrokerTransport {
        try make(url: BrokerURL.resolve(flag: flag, environment: environment))
    }
}
