/// Writes a response head (and body) into one byte buffer, so that a response
/// normally leaves in a single `send`.
enum ResponseSerializer {
    private static let statusPrefix = Array("HTTP/1.1 ".utf8)
    private static let crlf: [UInt8] = [13, 10]
    private static let colonSpace: [UInt8] = [58, 32]
    private static let contentLength = Array("Content-Length: ".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
    private static let requestIdName = Array("X-Request-Id: ".utf8)

    private static let chunkedEncoding = Array("Transfer-Encoding: chunked\r\n".utf8)

    /// How the body length is told: by Content-Length, by chunks, or by closing.
    enum Framing {
        case contentLength, chunked, untilClose
    }

    static func append(
        _ response: HTTPResponse, to buffer: inout [UInt8], version: HTTPVersion,
        keepAlive: Bool, includeBody: Bool, date: [UInt8], requestId: String?,
        framing: Framing = .contentLength
    ) {
        let code = response.status.code
        buffer.reserveCapacity(buffer.count + 128 + response.body.count)
        buffer.append(contentsOf: statusPrefix)
        appendDecimal(code, to: &buffer)
        buffer.append(32)
        appendFieldText(response.status.reason, to: &buffer)
        buffer.append(contentsOf: crlf)
        let upgrade = code == 101
        var hasDate = false
        var hasRequestId = false
        for field in response.headers.fields {
            let name = field.name
            if !upgrade
                && (name.equalsIgnoringASCIICase("Content-Length") || name.equalsIgnoringASCIICase("Connection")
                    || name.equalsIgnoringASCIICase("Transfer-Encoding"))
            {
                continue
            }
            if name.equalsIgnoringASCIICase("Date") { hasDate = true }
            if name.equalsIgnoringASCIICase("X-Request-Id") { hasRequestId = true }
            appendFieldText(name, to: &buffer)
            buffer.append(contentsOf: colonSpace)
            appendFieldText(field.value, to: &buffer)
            buffer.append(contentsOf: crlf)
        }
        if !hasDate { buffer.append(contentsOf: date) }
        if let requestId, !hasRequestId {
            buffer.append(contentsOf: requestIdName)
            buffer.append(contentsOf: requestId.utf8)
            buffer.append(contentsOf: crlf)
        }
        if !upgrade {
            let bodyless = code < 200 || code == 204 || code == 304
            if !bodyless {
                switch framing {
                case .contentLength:
                    buffer.append(contentsOf: contentLength)
                    appendDecimal(response.body.count, to: &buffer)
                    buffer.append(contentsOf: crlf)
                case .chunked:
                    buffer.append(contentsOf: chunkedEncoding)
                case .untilClose:
                    break
                }
            }
            if !keepAlive {
                buffer.append(contentsOf: connectionClose)
            } else if version == .http1_0 {
                buffer.append(contentsOf: connectionKeepAlive)
            }
        }
        buffer.append(contentsOf: crlf)
        if includeBody && !upgrade && framing == .contentLength { buffer.append(contentsOf: response.body) }
    }

    /// One chunk of a chunked body: size in hex, CRLF, data, CRLF.
    static func appendChunk(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        buffer.append(contentsOf: String(bytes.count, radix: 16).utf8)
        buffer.append(contentsOf: crlf)
        buffer.append(contentsOf: bytes)
        buffer.append(contentsOf: crlf)
    }

    static let lastChunk = Array("0\r\n\r\n".utf8)

    /// Appends header text, turning CR and LF into spaces: a value built from
    /// client input must never be able to start a header or a response of its own.
    @inline(__always)
    static func appendFieldText(_ text: String, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: text.utf8)
        for i in start..<buffer.count where buffer[i] == 13 || buffer[i] == 10 {
            buffer[i] = 32
        }
    }

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        let value = max(0, value)
        if value < 10 {
            buffer.append(UInt8(48 + value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[19 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            buffer.append(contentsOf: raw[(20 - count)...])
        }
    }
}
