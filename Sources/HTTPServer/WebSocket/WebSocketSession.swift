/// The loop side of one WebSocket connection: feeds frames through the parser and
/// assembler, answers pings, runs the close handshake, and hands messages to the
/// handler's stream. Confined to the connection's event loop.
final class WebSocketSession {
    unowned let connection: HTTPConnection
    let socket: WebSocket
    private let inbox: WebSocketInbox
    /// Set while the handler is behind; frames wait in the connection's buffer.
    private(set) var paused = false
    private let parser: WebSocketFrameParser
    private var assembler: WebSocketMessageAssembler
    private(set) var closeSent = false
    private var finished = false

    private let maxSendBacklogBytes: Int

    init(connection: HTTPConnection, subprotocol: String?, maxMessageBytes: Int, maxSendBacklogBytes: Int) {
        self.connection = connection
        self.maxSendBacklogBytes = maxSendBacklogBytes
        parser = WebSocketFrameParser(maxPayloadBytes: maxMessageBytes)
        assembler = WebSocketMessageAssembler(maxMessageBytes: maxMessageBytes)
        let box = WebSocket.SessionBox()
        let loop = connection.loop
        inbox = WebSocketInbox(onDrained: {
            loop.execute { box.session?.resume() }
        })
        socket = WebSocket(subprotocol: subprotocol, messages: WebSocketMessages(inbox: inbox), loop: loop, box: box)
        box.session = self
    }

    /// Consumes complete frames from `input`; returns how many bytes were used.
    func receive(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        var consumed = 0
        while !finished && !paused {
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
                    if !inbox.push(message) {
                        paused = true
                        connection.pauseReading()
                    }
                case .ping(let payload):
                    if !closeSent { connection.send(WebSocketFrame.encode(opcode: WebSocketOpcode.pong, payload: payload)) }
                case .close(let code, _):
                    if !closeSent {
                        closeSent = true
                        connection.send(
                            WebSocketFrame.encode(
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
        return finished ? input.count : consumed
    }

    /// The handler caught up: read again, starting with frames already buffered.
    func resume() {
        guard paused, !finished else { return }
        paused = false
        connection.resumeWebSocketReading()
    }

    private func fail(_ code: WebSocketCloseCode, _ reason: String) {
        connection.loop.server.logger.info("websocket from \(connection.remoteAddress) failed: \(code) \(reason)")
        close(code, reason: reason)
    }

    /// Queues a frame from the handler; false once the close handshake has
    /// begun. A peer that leaves more than the backlog limit unread is closed
    /// (1008): it stopped reading, and holding ever more for it would let one
    /// client exhaust the server's memory.
    func enqueue(_ frame: [UInt8]) -> Bool {
        guard !closeSent, !finished else { return false }
        let backlog = connection.unsentBytes
        // One frame larger than the limit still goes out to a peer that keeps up.
        guard backlog == 0 || backlog + frame.count <= maxSendBacklogBytes else {
            connection.loop.server.logger.info(
                "websocket from \(connection.remoteAddress) left \(backlog) bytes unread: closing (limit \(maxSendBacklogBytes))")
            close(.policyViolation, reason: "not reading: more than \(maxSendBacklogBytes) bytes unsent")
            return false
        }
        connection.send(frame)
        return true
    }

    /// Sends a close frame and ends the connection once it is written.
    func close(_ code: WebSocketCloseCode, reason: String) {
        if !closeSent {
            closeSent = true
            connection.send(
                WebSocketFrame.encode(
                    opcode: WebSocketOpcode.close,
                    payload: WebSocketFrame.closePayload(code, reason: reason)))
        }
        finish()
        connection.finishAfterWrite()
    }

    /// Probes a silent peer; its pong (or any frame) shows it is still there.
    func sendPing() {
        guard !closeSent else { return }
        connection.send(WebSocketFrame.encode(opcode: WebSocketOpcode.ping, payload: [UInt8]()))
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
        inbox.finish()
    }
}
