import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    /// Decodes a frame, checks the secret before anything else (so a client
    /// without it learns nothing), then dispatches. Every failure is answered.
    mutating func receive(_ text: String, from client: ClientID, at now: Date, _ out: inout Outbox) {
        connect(client)
        let envelope: FBPEnvelope
        do { envelope = try FBPEnvelope(text: text) } catch {
            return out.send(error.reply, to: client)
        }
        let context = RequestContext(client: client, requestId: envelope.requestId)
        if let secret = configuration.secret {
            guard let given = envelope.secret, Self.constantTimeEqual(given, secret) else {
                let failure = FBPRequestError(
                    problem: .unauthorized(secretGiven: envelope.secret != nil),
                    protocol: envelope.protocol, command: envelope.command,
                    requestId: envelope.requestId, graph: envelope.graph)
                return out.send(failure.reply, to: client)
            }
            if clients[client]?.authorized == false {
                clients[client]?.authorized = true
                reconcileTaps(&out)
            }
        }
        let request: FBPRequest
        do { request = try FBPRequest(envelope: envelope) } catch {
            return out.send(error.reply, to: client)
        }
        switch request {
        case .runtime(let runtime): handleRuntime(runtime, context, &out)
        case .component(let component): handleComponent(component, context, &out)
        case .graph(let graph): handleGraph(graph, context, at: now, &out)
        case .network(let network): handleNetwork(network, context, at: now, &out)
        }
    }

    /// Compares secrets in time independent of where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for index in 0..<max(x.count, y.count) {
            let p = index < x.count ? x[index] : 0
            let q = index < y.count ? y[index] : 0
            difference |= p ^ q
        }
        return difference == 0 && x.count == y.count
    }

    /// `<protocol>:error` to the requester only.
    func fail(_ proto: FBPProtocol, _ message: String, graph: String? = nil, _ request: RequestContext, _ out: inout Outbox) {
        reply(FBPReply.error(on: proto, message: message, graph: graph), request, &out)
    }
}
