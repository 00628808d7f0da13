import Foundation
import Primitives

/// A transport that can also apply graph bindings: what the tools need.
public typealias BrokerTransport = MessageTransport & BrokerAdmin

/// Settings every transport understands, so callers tune a transport without
/// knowing which one the broker URL picks.
public struct TransportOptions: Sendable, Hashable {
    /// How long a publish may wait for the broker's confirmation, across
    /// reconnects, before it fails (nil: the transport's default).
    public var publishTimeout: Duration?

    public init(publishTimeout: Duration? = nil) {
        self.publishTimeout = publishTimeout
    }
}

/// Picks the transport for a broker URL, so participants and tools take one
/// `--broker` / `MSGFLO_BROKER` and work on any supported broker.
///
/// Transports live in their own modules (`MsgFloAMQP`, `MsgFloMQTT`) so that a
/// program links only the ones it uses; each registers the schemes it speaks
/// (`AMQPTransport.register()`). The in-process `direct://` transport is
/// always registered.
public enum Transports {
    /// Builds a transport for a URL of a scheme it registered for.
    public typealias Maker = @Sendable (BrokerURL, TransportOptions) throws -> any BrokerTransport

    /// No transport is registered for the URL's scheme.
    public struct UnsupportedBroker: Error, CustomStringConvertible {
        public var url: String
        public var registered: [String]
        public var description: String {
            let schemes = registered.map { $0 + "://" }.joined(separator: ", ")
            return "\(url): this program speaks \(schemes); for another scheme link its transport module and call its register() (AMQPTransport.register(), MQTTTransport.register())"
        }
    }

    private static let makers = LockedState<[BrokerURL.Scheme: Maker]>([
        .direct: { url, _ in try InProcessTransport(url: "direct://\(url.host)") },
    ])

    /// Makes `maker` the transport for `schemes` (a later registration wins).
    public static func register(_ schemes: [BrokerURL.Scheme], _ maker: @escaping Maker) {
        makers.withLock { table in
            for scheme in schemes { table[scheme] = maker }
        }
    }

    /// The schemes a transport is registered for.
    public static var registeredSchemes: [BrokerURL.Scheme] {
        makers.withLock { Array($0.keys) }.sorted { $0.rawValue < $1.rawValue }
    }

    public static func make(url: BrokerURL, options: TransportOptions = TransportOptions()) throws -> any BrokerTransport {
        guard let maker = makers.withLock({ $0[url.scheme] }) else {
            throw UnsupportedBroker(url: url.description, registered: registeredSchemes.map(\.rawValue))
        }
        return try maker(url, options)
    }

    /// Resolves `--broker`, `MSGFLO_BROKER`, `CLOUDAMQP_URL`, then `amqp://localhost`.
    public static func make(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            options: TransportOptions = TransportOptions()) throws -> any BrokerTransport {
        try make(url: BrokerURL.resolve(flag: flag, environment: environment), options: options)
    }
}
