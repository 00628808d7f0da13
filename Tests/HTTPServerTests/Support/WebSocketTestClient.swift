import Foundation

@testable import HTTPServer

/// Client-side WebSocket framing over `TestClient`, masking as a browser does
/// (or not, to test the server's rules).
extension TestClient {
    static let handshakeKey = "dGhlIHNhbXBsZSBub25jZQ=="

    func upgrade(path: String = "/ws", protocols: String? = "noflo") throws -> Response {
        var request =
            "GET \(path) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(Self.handshakeKey)\r\nSec-WebSocket-Version: 13\r\n"
        if let protocols { request += "Sec-WebSocket-Protocol: \(protocols)\r\n" }
        try send(request + "\r\n")
        return try readResponse()
    }

    func sendFrame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) throws {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            frame.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(maskBit | 126)
            frame.append(contentsOf: [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)])
        } else {
            frame.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        if masked {
            let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
            frame.append(contentsOf: mask)
            frame.append(contentsOf: payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        } else {
            frame.append(contentsOf: payload)
        }
        try send(frame)
    }

    func sendText(_ text: String, fin: Bool = true) throws { try sendFrame(opcode: 1, payload: Array(text.utf8), fin: fin) }

    func sendClose(code: UInt16) throws {
        try sendFrame(opcode: 8, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])
    }

    /// Reads one server frame: (fin, opcode, payload); server frames must be unmasked.
    func readFrame() throws -> (fin: Bool, opcode: UInt8, payload: [UInt8]) {
        let head = try readExactly(2)
        precondition(head[1] & 0x80 == 0, "server frames must not be masked")
        var length = Int(head[1] & 0x7F)
        if length == 126 {
            let bytes = try readExactly(2)
            length = Int(bytes[0]) << 8 | Int(bytes[1])
        } else if length == 127 {
            length = try readExactly(8).reduce(0) { $0 << 8 | Int($1) }
        }
        return (head[0] & 0x80 != 0, head[0] & 0x0F, try readExactly(length))
    }

    func readCloseCode() throws -> UInt16? {
        let frame = try readFrame()
        guard frame.opcode == 8 else { return nil }
        return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 0
    }
}
