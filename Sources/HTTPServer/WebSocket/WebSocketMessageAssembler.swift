/// A complete WebSocket message.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// Joins fragments into messages and interprets control frames: an I/O-free state
/// machine whose actions the session carries out.
struct WebSocketMessageAssembler: Sendable {
    enum Action: Sendable, Equatable {
        case none
        case message(WebSocketMessage)
        case ping([UInt8])
        case pong
        /// The peer closed; `code` is nil when its close frame had no payload.
        case close(WebSocketCloseCode?, reason: String)
        case fail(WebSocketCloseCode, String)
    }

    let maxMessageBytes: Int
    private var fragmentOpcode: UInt8?
    private var fragments: [UInt8] = []

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    mutating func push(_ frame: WebSocketFrame) -> Action {
        switch frame.opcode {
        case WebSocketOpcode.ping:
            return .ping(frame.payload)
        case WebSocketOpcode.pong:
            return .pong
        case WebSocketOpcode.close:
            return closeAction(frame.payload)
        case WebSocketOpcode.continuation:
            guard let opcode = fragmentOpcode else {
                return .fail(.protocolError, "continuation frame without a message in progress")
            }
            guard fragments.count + frame.payload.count <= maxMessageBytes else {
                return .fail(.messageTooBig, "message larger than \(maxMessageBytes) bytes")
            }
            fragments.append(contentsOf: frame.payload)
            guard frame.fin else { return .none }
            let payload = fragments
            fragments = []
            fragmentOpcode = nil
            return message(opcode: opcode, payload: payload)
        default:
            guard fragmentOpcode == nil else {
                return .fail(.protocolError, "new data frame while a fragmented message is in progress")
            }
            if frame.fin { return message(opcode: frame.opcode, payload: frame.payload) }
            fragmentOpcode = frame.opcode
            fragments = frame.payload
            return .none
        }
    }

    private func message(opcode: UInt8, payload: [UInt8]) -> Action {
        if opcode == WebSocketOpcode.binary { return .message(.binary(payload)) }
        guard let text = String(validating: payload, as: UTF8.self) else {
            return .fail(.invalidPayload, "text message is not valid UTF-8")
        }
        return .message(.text(text))
    }

    private func closeAction(_ payload: [UInt8]) -> Action {
        if payload.isEmpty { return .close(nil, reason: "") }
        guard payload.count >= 2 else { return .fail(.protocolError, "close frame with a 1-byte payload") }
        let code = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isValidOnWire else { return .fail(.protocolError, "invalid close code \(code)") }
        guard let reason = String(validating: payload[2...], as: UTF8.self) else {
            return .fail(.invalidPayload, "close reason is not valid UTF-8")
        }
        return .close(code, reason: reason)
    }
}
