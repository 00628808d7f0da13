/// The grammar of request lines and header fields (RFC 9110 / 9112), as pure functions
/// over bytes, and the framing rules derived from the fields.
extension HTTPRequestParser {
    /// `tchar` from RFC 9110 section 5.6.2, as a 128-entry table.
    static let tokenCharacters: [Bool] = (0..<128).map { byte in
        let c = UInt8(byte)
        if c >= 0x30 && c <= 0x39 { return true }
        if (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A { return true }
        return "!#$%&'*+-.^_`|~".utf8.contains(c)
    }

    @inline(__always)
    static func isTokenCharacter(_ c: UInt8) -> Bool { c < 128 && tokenCharacters[Int(c)] }

    static func parseHeadBytes(
        _ head: UnsafeBufferPointer<UInt8>, requestLineEnd: Int,
        limits: Limits
    ) -> Result<HTTPRequestHead, HTTPParseError> {
        // Request line: method SP request-target SP HTTP-version.
        var i = 0
        while i < requestLineEnd && isTokenCharacter(head[i]) { i += 1 }
        guard i > 0, i < requestLineEnd, head[i] == 32 else {
            return .failure(.malformed("request line must be 'METHOD target HTTP/1.1'"))
        }
        let method = String(decoding: UnsafeBufferPointer(rebasing: head[0..<i]), as: UTF8.self)
        let targetStart = i + 1
        var j = targetStart
        while j < requestLineEnd && head[j] > 32 && head[j] < 127 { j += 1 }
        guard j > targetStart, j < requestLineEnd, head[j] == 32 else {
            return .failure(.malformed("request target missing or contains invalid characters"))
        }
        let target = String(decoding: UnsafeBufferPointer(rebasing: head[targetStart..<j]), as: UTF8.self)
        let versionBytes = UnsafeBufferPointer(rebasing: head[(j + 1)..<requestLineEnd])
        let version: HTTPVersion
        switch parseVersion(versionBytes) {
        case .success(let v): version = v
        case .failure(let error): return .failure(error)
        }
        let first = head[targetStart]
        if first != UInt8(ascii: "/") {
            let isAsterisk = target == "*" && method == "OPTIONS"
            let isAbsolute = target.hasPrefix("http://") || target.hasPrefix("https://")
            guard isAsterisk || isAbsolute else {
                return .failure(.malformed("request target must start with '/'"))
            }
        }

        // Header fields.
        var headers = HTTPHeaders()
        headers.fields.reserveCapacity(8)
        var lineStart = requestLineEnd + 2
        let end = head.count - 2 // the final empty line
        while lineStart < end {
            var lineEnd = lineStart
            while head[lineEnd] != 13 { lineEnd += 1 }
            if lineEnd + 1 >= head.count || head[lineEnd + 1] != 10 {
                return .failure(.malformed("CR not followed by LF in header section"))
            }
            switch headerField(UnsafeBufferPointer(rebasing: head[lineStart..<lineEnd])) {
            case .success(let field): headers.fields.append(field)
            case .failure(let error): return .failure(error)
            }
            lineStart = lineEnd + 2
        }
        return deriveSemantics(
            method: HTTPMethod(method), target: target, version: version,
            headers: headers, limits: limits)
    }

    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<HTTPVersion, HTTPParseError> {
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.count == 8, text.hasPrefix("HTTP/"),
            let major = bytes[5].asciiDigit, bytes[6] == UInt8(ascii: "."), let minor = bytes[7].asciiDigit
        else {
            return .failure(.malformed("invalid HTTP version '\(text.prefix(16))'"))
        }
        guard major == 1 else { return .failure(.unsupportedVersion(text)) }
        // A higher 1.x minor version is answered as 1.1 (RFC 9110 section 6.2).
        return .success(HTTPVersion(major: 1, minor: min(minor, 1)))
    }

    /// One `name: value` line, without its CRLF.
    static func headerField(_ line: UnsafeBufferPointer<UInt8>) -> Result<HTTPHeaders.Field, HTTPParseError> {
        guard let firstByte = line.first else { return .failure(.malformed("empty header line")) }
        if firstByte == 32 || firstByte == 9 {
            return .failure(.malformed("obsolete line folding in header section"))
        }
        var colon = 0
        while colon < line.count && isTokenCharacter(line[colon]) { colon += 1 }
        guard colon > 0, colon < line.count, line[colon] == UInt8(ascii: ":") else {
            return .failure(.malformed("header field name must be a token followed by ':'"))
        }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd && (line[valueStart] == 32 || line[valueStart] == 9) { valueStart += 1 }
        while valueEnd > valueStart && (line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9) { valueEnd -= 1 }
        for k in valueStart..<valueEnd {
            let c = line[k]
            if (c < 32 && c != 9) || c == 127 {
                return .failure(.malformed("control character in header field value"))
            }
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: line[0..<colon]), as: UTF8.self)
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd]), as: UTF8.self)
        return .success((name: name, value: value))
    }

    /// `chunk-size [ chunk-ext ]` (RFC 9112 section 7.1); extensions are ignored.
    static func chunkSize(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var size = 0
        var digits = 0
        var i = 0
        while i < line.count, let digit = line[i].hexDigit {
            digits += 1
            if digits > 15 { return nil }
            size = size << 4 | digit
            i += 1
        }
        guard digits > 0 else { return nil }
        while i < line.count && (line[i] == 32 || line[i] == 9) { i += 1 }
        if i < line.count {
            guard line[i] == UInt8(ascii: ";") else { return nil }
            for k in i..<line.count where (line[k] < 32 && line[k] != 9) || line[k] == 127 { return nil }
        }
        return size
    }

    static func deriveSemantics(
        method: HTTPMethod, target: String, version: HTTPVersion,
        headers: HTTPHeaders, limits: Limits
    ) -> Result<HTTPRequestHead, HTTPParseError> {
        var hostCount = 0
        var contentLength: Int?
        var transferCodings: [Substring] = []
        var sawTransferEncoding = false
        var expectation: String?
        var connectionClose = false
        var connectionKeepAlive = false
        for field in headers.fields {
            let name = field.name
            switch name.utf8.count {
            case 4 where name.equalsIgnoringASCIICase("Host"):
                hostCount += 1
            case 14 where name.equalsIgnoringASCIICase("Content-Length"):
                for part in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                    let digits = part.trimmingASCIIWhitespace()
                    guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0.asciiDigit != nil }),
                        let value = Int(digits)
                    else {
                        return .failure(.malformed("invalid Content-Length '\(field.value.prefix(32))'"))
                    }
                    if let existing = contentLength, existing != value {
                        return .failure(.malformed("conflicting Content-Length values"))
                    }
                    contentLength = value
                }
            case 17 where name.equalsIgnoringASCIICase("Transfer-Encoding"):
                sawTransferEncoding = true
                for part in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                    transferCodings.append(part.trimmingASCIIWhitespace())
                }
            case 6 where name.equalsIgnoringASCIICase("Expect"):
                expectation = field.value
            case 10 where name.equalsIgnoringASCIICase("Connection"):
                for part in field.value.split(separator: ",") {
                    let token = part.trimmingASCIIWhitespace()
                    if token.equalsIgnoringASCIICase("close") { connectionClose = true }
                    if token.equalsIgnoringASCIICase("keep-alive") { connectionKeepAlive = true }
                }
            default:
                break
            }
        }
        if version == .http1_1 && hostCount == 0 {
            return .failure(.malformed("HTTP/1.1 request without Host header"))
        }
        if hostCount > 1 {
            return .failure(.malformed("more than one Host header"))
        }
        var framing = HTTPBodyFraming.none
        if sawTransferEncoding {
            if contentLength != nil {
                return .failure(.malformed("both Content-Length and Transfer-Encoding present"))
            }
            for coding in transferCodings where !coding.equalsIgnoringASCIICase("chunked") {
                if coding.isEmpty { return .failure(.malformed("empty transfer coding")) }
                return .failure(.unsupportedTransferEncoding(String(coding.prefix(32))))
            }
            if transferCodings.count != 1 {
                return .failure(.malformed("'chunked' applied more than once"))
            }
            if version == .http1_0 {
                return .failure(.malformed("Transfer-Encoding in an HTTP/1.0 request"))
            }
            framing = .chunked
        } else if let length = contentLength {
            if length > limits.maxBodyBytes {
                return .failure(.bodyTooLarge(limit: limits.maxBodyBytes))
            }
            if length > 0 { framing = .contentLength(length) }
        }
        var expectsContinue = false
        if let expectation {
            guard expectation.equalsIgnoringASCIICase("100-continue") else {
                return .failure(.expectationFailed(String(expectation.prefix(32))))
            }
            expectsContinue = version == .http1_1 && framing != .none
        }
        let keepAlive = version == .http1_1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return .success(
            HTTPRequestHead(
                method: method, target: target, version: version, headers: headers,
                keepAlive: keepAlive, expectsContinue: expectsContinue, framing: framing))
    }
}

extension UInt8 {
    var asciiDigit: Int? { self >= 0x30 && self <= 0x39 ? Int(self - 0x30) : nil }

    var hexDigit: Int? {
        switch self {
        case 0x30...0x39: Int(self - 0x30)
        case 0x41...0x46: Int(self - 0x41 + 10)
        case 0x61...0x66: Int(self - 0x61 + 10)
        default: nil
        }
    }
}
