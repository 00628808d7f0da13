import Foundation
import MsgFlo

/// Sends a job's resize requests into the graph: one persistent, confirmed
/// message per image on the web participant's outport.
public protocol JobPublisher: Sendable {
    /// Returns once the broker confirmed every message. Throws the transport's
    /// `TransportError` when it cannot: `isTransient` tells "try again later"
    /// (the API answers 503) from a refusal.
    func publish(_ requests: [ResizeRequest]) async throws
    /// Cheap check that the broker answers, for `/health`.
    func ping() async throws
}

/// Publishes on an outport of a participant that produces without input
/// (the web role's `RESIZEIMAGE`), through `Participant.send`, `mandatory`:
/// before `msgflo setup` bound the graph no queue takes the messages, and the
/// broker would drop them while the API answered 202 for a job that can never
/// run; the publish fails with `.unroutable` instead.
public struct ParticipantJobPublisher: JobPublisher {
    public let participant: Participant
    /// The outport's id in the participant's definition (e.g. `resizeimage`).
    public let port: String

    public init(participant: Participant, port: String) {
        self.participant = participant
        self.port = port
    }

    public func publish(_ requests: [ResizeRequest]) async throws {
        // One batch: the transport pipelines the messages and answers once.
        try await participant.send(port, batch: requests.map { $0.encoded() }, options: PublishOptions(mandatory: true))
    }

    /// Declares the outport again (idempotent): a round trip to the broker.
    public func ping() async throws {
        guard let outport = participant.definition.outport(port) else {
            throw ParticipantError.unknownOutport(port, available: participant.definition.outports.map(\.id))
        }
        try await participant.transport.declareOutport(exchange: outport.queue, options: PortOptions(persistent: outport.isPersistent))
    }
}
