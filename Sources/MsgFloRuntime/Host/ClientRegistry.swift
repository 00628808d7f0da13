import Foundation
import HTTPServer
import Logging
import Primitives

/// The connected WebSocket clients and, per client, the queue of texts on
/// their way to it. The coordinator's loop only enqueues (it never waits for
/// a socket); one writer task per client drains its queue into its socket.
/// A client whose queue overflows has stopped keeping up and is closed
/// (the HTTP server separately closes one that stops reading at all).
final class ClientRegistry: Sendable {
    /// Messages waiting for one client before it counts as not keeping up.
    static let bufferLimit = 10_000

    private struct Client {
        var outbox: AsyncStream<String>.Continuation
        var socket: WebSocket
    }

    private let clients = LockedState<[ClientID: Client]>([:])
    private let counter = LockedState(0)
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// A new client's id and the stream of texts to write to it.
    func add(_ socket: WebSocket) -> (ClientID, AsyncStream<String>) {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        // Zero-padded, so ids sort in connection order (the coordinator broadcasts in id order).
        let id = ClientID(String(format: "client-%08d", number))
        let (stream, outbox) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(Self.bufferLimit))
        clients.withLock { $0[id] = Client(outbox: outbox, socket: socket) }
        return (id, stream)
    }

    func remove(_ id: ClientID) {
        let client = clients.withLock { $0.removeValue(forKey: id) }
        client?.outbox.finish()
    }

    func send(_ text: String, to id: ClientID) {
        guard let client = clients.withLock({ $0[id] }) else { return }
        if case .dropped = client.outbox.yield(text) {
            logger.warning("FBP client not keeping up: closing it", metadata: ["client": "\(id)", "queued": "\(Self.bufferLimit)"])
            remove(id)
            Task { await client.socket.close(code: .policyViolation, reason: "too slow: more than \(Self.bufferLimit) messages queued") }
        }
    }

    var count: Int { clients.withLock { $0.count } }

    /// Closes every client (shutdown).
    func closeAll() async {
        let all = clients.withLock { current -> [Client] in
            defer { current = [:] }
            return Array(current.values)
        }
        for client in all {
            client.outbox.finish()
            await client.socket.close(code: .goingAway, reason: "runtime shutting down")
        }
    }
}
