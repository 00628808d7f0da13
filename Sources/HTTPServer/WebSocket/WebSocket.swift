/// Sending on a WebSocket that is closed or closing.
public struct WebSocketClosedError: Error, Sendable, CustomStringConvertible {
    public var description: String { "the WebSocket is closed: stop sending and return from the handler" }
}

/// The handler's side of an accepted WebSocket: iterate `messages` (it ends when
/// the peer closes or the connection drops) and `send` replies. Pings, pongs and
/// the close handshake are handled by the server.
public final class WebSocket: Sendable {
    /// The negotiated subprotocol (e.g. `noflo`), if any.
    public let subprotocol: String?
    public let messages: WebSocketMessages
    let loop: EventLoop
    let box: SessionBox

    /// Holds the loop-confined session. Unchecked Sendable: `session` is set
    /// once, on the loop's thread, as the session is made, and read only in
    /// closures the loop runs (`EventLoop.execute`); a weak `let` cannot hold
    /// it because the session is made after its `WebSocket`.
    final class SessionBox: @unchecked Sendable {
        weak var session: WebSocketSession?
    }

    init(subprotocol: String?, messages: WebSocketMessages, loop: EventLoop, box: SessionBox) {
        self.subprotocol = subprotocol
        self.messages = messages
        self.loop = loop
        self.box = box
    }

    /// Queues one message; throws once the socket is closing.
    public func send(_ message: WebSocketMessage) async throws(WebSocketClosedError) {
        let frame: [UInt8]
        switch message {
        case .text(let text): frame = WebSocketFrame.encode(opcode: WebSocketOpcode.text, payload: Array(text.utf8))
        case .binary(let bytes): frame = WebSocketFrame.encode(opcode: WebSocketOpcode.binary, payload: bytes)
        }
        let box = box
        let sent = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            loop.execute { continuation.resume(returning: box.session?.enqueue(frame) ?? false) }
        }
        if !sent { throw WebSocketClosedError() }
    }

    public func send(text: String) async throws(WebSocketClosedError) { try await send(.text(text)) }

    /// Starts the close handshake; does nothing if already closing.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") async {
        let box = box
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute {
                if let session = box.session, !session.closeSent { session.close(code, reason: reason) }
                continuation.resume()
            }
        }
    }
}
