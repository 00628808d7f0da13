/// The loop side of one WebSocket connection: feeds frames through the parser and
/// assembler, answers pings, runs the close handshake, and hands messages to the
/// handler's stream. Confined to the connection's event loop.
final class WebSocketSession {
    unowned let connection: HTTPConnection
    let socket: WebSocket
    private let continuation: AsyncStream<WebSocketMessage>.Continuation
    private let parser: WebSocketFrameParser
    private var assembler: WebSocketMessageAssembler
    private(set) var closeSent = false
    private var finished = false

    init(connection: HTTPConnection, subprotocol: String?, maxMessageBytes: Int) {
        self.connection = connection
        parser = WebSocketFrameParser(maxPayloadBytes: maxMessageBytes)
        assembler = WebSocketMessageAssembler(maxMessageBytes: maxMessageBytes)
        let (stream, continuation) = AsyncStream<WebSocketMessage>.makeStream()
        self.continuation = continuation
        socket = WebSocket(subprotocol: subprotocol, messages: stream, loop: connection.loop)
        socket.box.session = self
    }

    /// Consumes complete frames from `input`; returns how many bytes were used.
    func receive(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        var consumed = 0
        while !finished {
            let (used, output) = parser.parse(UnsafeBufferPointer(rebasing: input[consumed...]))
            consumed += used
            switch output {
            case .needMoreData:
                return consumed
            case .error(let code, let reason):
                fail(code, reason)
                return input.count
            case .frame(let frame):
                switch assembler.push(frame) {
                case .none, .pong:
                    break
                case .message(let message):
                    continuation.yield(message)
                case .ping(let payload):
                    if !closeSent { connection.send(WebSocketFrame.encode(opcode: WebSocketOpcode.pong, payload: payload)) }
                case .close(let code, _):
                    if !closeSent {
                        closeSent = true
                        connection.send(WebSocketFrame.encode(
                            opcode: WebSocketOpcode.close, payload: WebSocketFrame.closePayload(code, reason: "")))
                    }
                    finish()
                    connection.finishAfterWrite()
                    return input.count
                case .fail(let code, let reason):
                    fail(code, reason)
                    return input.count
                }
            }
        }
        return input.count
    }

    private func fail(_ code: WebSocketCloseCode, _ reason: String) {
        connection.loop.server.logger.info("websocket from \(connection.remoteAddress) failed: \(code) \(reason)")
        close(code, reason: reason)
    }

    /// Queues a frame from the handler; false once the close handshake has begun.
    func enqueue(_ frame: [UInt8]) -> Bool {
        guard !closeSent, !finished else { return false }
        connection.send(frame)
        return true
    }

    /// Sends a close frame and ends the connection once it is written.
    func close(_ code: WebSocketCloseCode, reason: String) {
        if !closeSent {
            closeSent = true
            connection.send(WebSocketFrame.encode(opcode: WebSocketOpcode.close,
                                                  payload: WebSocketFrame.closePayload(code, reason: reason)))
        }
        finish()
        connection.finishAfterWrite()
    }

    func goingAway() {
        close(.goingAway, reason: "server shutting down")
    }

    func connectionClosed() {
        closeSent = true
        finish()
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        continuation.finish()
    }
}
