import Foundation
import MsgFlo

/// Sends a job's resize requests into the graph: one persistent, confirmed
/// message per image on the web participant's outport.
public protocol JobPublisher: Sendable {
    /// Returns once the broker confirmed every message; throws if it cannot.
    func publish(_ requests: [ResizeRequest]) async throws
    /// Cheap check that the broker answers, for `/health`.
    func ping() async throws
}

/// Publishes on an outport exchange of a message transport.
public struct TransportJobPublisher: JobPublisher {
    public let transport: any BrokerTransport
    /// The outport's exchange, as announced in discovery (e.g. `web.RESIZEIMAGE`).
    public let exchange: String

    public init(transport: any BrokerTransport, exchange: String) {
        self.transport = transport
        self.exchange = exchange
    }

    public func publish(_ requests: [ResizeRequest]) async throws {
        // All in flight at once: the transport pipelines confirms.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for request in requests {
                group.addTask { try await transport.publish(exchange: exchange, body: request.encoded()) }
            }
            try await group.waitForAll()
        }
    }

    public func ping() async throws {
        try await transport.execute([.declareExchange(name: exchange, type: .fanout)])
    }
}
