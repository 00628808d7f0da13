import Foundation

/// The server side of the RFC 6455 opening handshake, as a pure function of the request.
enum WebSocketHandshake {
    static let magic = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    struct Accepted: Sendable {
        var response: HTTPResponse
        var subprotocol: String?
    }

    static func acceptValue(forKey key: String) -> String {
        Data(SHA1.hash(Array((key + magic).utf8))).base64EncodedString()
    }

    /// The 101 response, or the error that refuses the upgrade. With a non-empty
    /// `supportedSubprotocols`, the first one (in server order) that the client
    /// offers is chosen; a client offering only unknown ones is refused.
    static func accept(_ request: HTTPRequest, supportedSubprotocols: [String]) -> Result<Accepted, HTTPError> {
        let headers = request.headers
        guard headers.containsToken("websocket", in: "Upgrade"), headers.containsToken("upgrade", in: "Connection") else {
            return .failure(
                HTTPError(
                    .upgradeRequired, "this endpoint speaks WebSocket only: send an Upgrade: websocket request",
                    headers: ["Upgrade": "websocket", "Connection": "Upgrade"]))
        }
        guard request.method == .get, request.version == .http1_1 else {
            return .failure(HTTPError(.badRequest, "a WebSocket handshake must be an HTTP/1.1 GET"))
        }
        guard headers["Sec-WebSocket-Version"]?.trimmingASCIIWhitespace() == "13" else {
            return .failure(
                HTTPError(
                    .upgradeRequired, "unsupported Sec-WebSocket-Version: use 13",
                    headers: ["Sec-WebSocket-Version": "13"]))
        }
        guard let key = headers["Sec-WebSocket-Key"].map({ String($0.trimmingASCIIWhitespace()) }),
            let decoded = Data(base64Encoded: key), decoded.count == 16
        else {
            return .failure(HTTPError(.badRequest, "Sec-WebSocket-Key must be 16 random bytes in base64"))
        }
        let offered = headers.values("Sec-WebSocket-Protocol").flatMap { value in
            value.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }
        }.filter { !$0.isEmpty }
        var chosen: String?
        if !supportedSubprotocols.isEmpty && !offered.isEmpty {
            chosen = supportedSubprotocols.first { offered.contains($0) }
            if chosen == nil {
                return .failure(
                    HTTPError(
                        .badRequest,
                        "none of the offered subprotocols (\(offered.joined(separator: ", "))) is supported: use \(supportedSubprotocols.joined(separator: ", "))"
                    ))
            }
        }
        var responseHeaders: HTTPHeaders = [
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Accept": acceptValue(forKey: key),
        ]
        if let chosen { responseHeaders.add("Sec-WebSocket-Protocol", chosen) }
        return .success(
            Accepted(
                response: HTTPResponse(status: .switchingProtocols, headers: responseHeaders),
                subprotocol: chosen))
    }
}
