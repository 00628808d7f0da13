import MsgFlo
import MsgFloGraph

/// Collects what one input produces, in order.
struct Outbox: Sendable {
    var outputs: [RuntimeOutput] = []

    mutating func send(_ message: FBPMessage, to client: ClientID) {
        outputs.append(.send(client, message))
    }

    mutating func send(_ message: FBPMessage, to clients: [ClientID]) {
        for client in clients { outputs.append(.send(client, message)) }
    }

    mutating func perform(_ action: RuntimeAction) {
        outputs.append(.perform(action))
    }
}

/// Who asked: the client and its request id, for `responseTo`.
struct RequestContext: Sendable {
    var client: ClientID
    var requestId: String?
}

extension RuntimeCoordinator {
    /// Answers only the requester.
    func reply(_ message: FBPMessage, _ request: RequestContext, _ out: inout Outbox) {
        var message = message
        if FBPReply.allowsResponseTo(message) { message.responseTo = request.requestId }
        out.send(message, to: request.client)
    }

    /// A change everyone should see: the requester gets it as its answer
    /// (with `responseTo`), the other clients as news (without).
    func announce(_ message: FBPMessage, _ request: RequestContext?, _ out: inout Outbox) {
        guard let request else { return out.send(message, to: audience) }
        reply(message, request, &out)
        out.send(message, to: audience.filter { $0 != request.client })
    }

    func broadcast(_ message: FBPMessage, _ out: inout Outbox) {
        out.send(message, to: audience)
    }
}
