import Foundation
import Primitives

/// A transport that can also apply graph bindings: what the tools need.
public typealias BrokerTransport = MessageTransport & BrokerAdmin

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

    private static let makers = LockedState<[BrokerURL.Scheme: Maker]>([
        .direct: { url, options in try InProcessTransport(url: "direct://\(url.host)", options: options) }
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

    /// The one place a transport is made: every option reaches the transport
    /// the URL picks. Fails with `TransportError(.unsupportedURL)` for a
    /// scheme no linked transport registered.
    public static func make(url: BrokerURL, options: TransportOptions = TransportOptions()) throws -> any BrokerTransport {
        guard let maker = makers.withLock({ $0[url.scheme] }) else {
            let schemes = registeredSchemes.map { $0.rawValue + "://" }.joined(separator: ", ")
            throw TransportError(
                .unsupportedURL,
                "\(url): this program speaks \(schemes); for another scheme link its transport module and call its register() (AMQPTransport.register(), MQTTTransport.register())",
                url: url.description)
        }
        return try maker(url, options)
    }

    /// Resolves `--broker`, `MSGFLO_BROKER`, `CLOUDAMQP_URL`, then
    /// `amqp://localhost`; without `options`, they come from the same
    /// environment (`MSGFLO_PREFETCH`).
    public static func make(
        flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        options: TransportOptions? = nil
    ) throws -> any BrokerTransport {
        let url = try BrokerURL.resolve(flag: flag, environment: environment)
        return try make(url: url, options: options ?? TransportOptions(environment: environment))
    }
}
