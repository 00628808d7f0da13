/// A WebSocket close status code (RFC 6455 section 7.4).
public struct WebSocketCloseCode: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }

    public static let normalClosure = WebSocketCloseCode(1000)
    public static let goingAway = WebSocketCloseCode(1001)
    public static let protocolError = WebSocketCloseCode(1002)
    public static let unsupportedData = WebSocketCloseCode(1003)
    public static let invalidPayload = WebSocketCloseCode(1007)
    public static let policyViolation = WebSocketCloseCode(1008)
    public static let messageTooBig = WebSocketCloseCode(1009)
    public static let internalError = WebSocketCloseCode(1011)

    /// Whether a peer may send this code in a close frame.
    var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1011, 3000...4999: true
        default: false
        }
    }
}

enum WebSocketOpcode {
    static let continuation: UInt8 = 0
    static let text: UInt8 = 1
    static let binary: UInt8 = 2
    static let close: UInt8 = 8
    static let ping: UInt8 = 9
    static let pong: UInt8 = 10
}

/// One frame, unmasked.
struct WebSocketFrame: Sendable, Equatable {
    var fin: Bool
    var opcode: UInt8
    var payload: [UInt8]

    var isControl: Bool { opcode & 0x8 != 0 }

    /// Server-to-client encoding: never masked (RFC 6455 section 5.1).
    static func encode(opcode: UInt8, payload: some Collection<UInt8>, fin: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 10)
        out.append((fin ? 0x80 : 0) | opcode)
        let length = payload.count
        if length < 126 {
            out.append(UInt8(length))
        } else if length <= 0xFFFF {
            out.append(126)
            out.append(UInt8(length >> 8))
            out.append(UInt8(length & 0xFF))
        } else {
            out.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: length >> shift)) }
        }
        out.append(contentsOf: payload)
        return out
    }

    static func closePayload(_ code: WebSocketCloseCode?, reason: String) -> [UInt8] {
        guard let code else { return [] }
        return [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)] + Array(reason.utf8.prefix(123))
    }
}

/// Parses client frames, checking the rules a server must enforce: frames masked,
/// no reserved bits or opcodes, control frames short and unfragmented, payload
/// within the message limit. A frame is returned only when it is complete.
struct WebSocketFrameParser: Sendable {
    enum Output: Sendable, Equatable {
        case needMoreData
        case frame(WebSocketFrame)
        case error(WebSocketCloseCode, String)
    }

    let maxPayloadBytes: Int

    func parse(_ input: UnsafeBufferPointer<UInt8>) -> (consumed: Int, output: Output) {
        guard input.count >= 2 else { return (0, .needMoreData) }
        let first = input[0]
        let second = input[1]
        let fin = first & 0x80 != 0
        let opcode = first & 0x0F
        if first & 0x70 != 0 { return (0, .error(.protocolError, "reserved bits set without a negotiated extension")) }
        switch opcode {
        case 0, 1, 2, 8, 9, 10: break
        default: return (0, .error(.protocolError, "unknown opcode \(opcode)"))
        }
        guard second & 0x80 != 0 else { return (0, .error(.protocolError, "client frames must be masked")) }
        var length = Int(second & 0x7F)
        var offset = 2
        if opcode & 0x8 != 0 {
            if !fin { return (0, .error(.protocolError, "fragmented control frame")) }
            if length > 125 { return (0, .error(.protocolError, "control frame longer than 125 bytes")) }
        }
        if length == 126 {
            guard input.count >= 4 else { return (0, .needMoreData) }
            length = Int(input[2]) << 8 | Int(input[3])
            offset = 4
        } else if length == 127 {
            guard input.count >= 10 else { return (0, .needMoreData) }
            if input[2] & 0x80 != 0 { return (0, .error(.protocolError, "64-bit length with the high bit set")) }
            var value: UInt64 = 0
            for i in 2..<10 { value = value << 8 | UInt64(input[i]) }
            guard value <= UInt64(maxPayloadBytes) else {
                return (0, .error(.messageTooBig, "frame larger than \(maxPayloadBytes) bytes"))
            }
            length = Int(value)
            offset = 10
        }
        if length > maxPayloadBytes { return (0, .error(.messageTooBig, "frame larger than \(maxPayloadBytes) bytes")) }
        guard input.count >= offset + 4 + length else { return (0, .needMoreData) }
        let mask = (input[offset], input[offset + 1], input[offset + 2], input[offset + 3])
        offset += 4
        var payload = [UInt8](repeating: 0, count: length)
        payload.withUnsafeMutableBufferPointer { out in
            for i in 0..<length {
                let key: UInt8
                switch i & 3 {
                case 0: key = mask.0
                case 1: key = mask.1
                case 2: key = mask.2
                default: key = mask.3
                }
                out[i] = input[offset + i] ^ key
            }
        }
        return (offset + length, .frame(WebSocketFrame(fin: fin, opcode: opcode, payload: payload)))
    }
}
