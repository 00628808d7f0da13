import Foundation

extension Participant {
    /// Sends on an outport outside any handler, for a participant that
    /// produces without input (an HTTP API publishing jobs, a timer). Returns
    /// once the broker confirmed the message.
    ///
    /// Call it between `start()` and `stop()` (while `run()` runs). Throws
    /// `ParticipantError.unknownOutport` for a port the definition lacks, and
    /// the transport's `TransportError` otherwise: `isTransient` says whether
    /// sending again later may succeed.
    public func send(_ port: String, _ message: JSONValue) async throws {
        try await send(port, data: message.encoded())
    }

    /// Sends a raw body (e.g. not JSON) on an outport; returns once confirmed.
    public func send(_ port: String, data: Data) async throws {
        guard let outport = definition.outport(port) else {
            throw ParticipantError.unknownOutport(port, available: definition.outports.map(\.id))
        }
        try await transport.publish(exchange: outport.queue, body: data)
    }

    /// Sends several raw bodies on an outport with `options`, as one batch
    /// where the transport can (AMQP: one request to its connection thread,
    /// one wake-up when all are confirmed); throws the first failure.
    public func send(_ port: String, batch bodies: [Data], options: PublishOptions) async throws {
        guard let outport = definition.outport(port) else {
            throw ParticipantError.unknownOutport(port, available: definition.outports.map(\.id))
        }
        if let transport = transport as? any OptionsPublishing {
            try await transport.publish(exchange: outport.queue, bodies: bodies, options: options)
        } else {
            let transport = transport
            try await withThrowingTaskGroup(of: Void.self) { group in
                for body in bodies { group.addTask { try await transport.publish(exchange: outport.queue, body: body) } }
                try await group.waitForAll()
            }
        }
    }

    /// Sends a raw body with `options` (e.g. `mandatory`, so a message no
    /// queue takes fails with `.unroutable` instead of vanishing). A transport
    /// that cannot honour them (not `OptionsPublishing`: MQTT, in-process)
    /// sends it as `send(_:data:)` does.
    public func send(_ port: String, data: Data, options: PublishOptions) async throws {
        guard let outport = definition.outport(port) else {
            throw ParticipantError.unknownOutport(port, available: definition.outports.map(\.id))
        }
        if let transport = transport as? any OptionsPublishing {
            try await transport.publish(exchange: outport.queue, body: data, options: options)
        } else {
            try await transport.publish(exchange: outport.queue, body: data)
        }
    }
}
