#if canImport(Glibc)
    import Glibc
#endif

/// An incremental, I/O-free HTTP/1.1 request parser.
///
/// The caller passes the unconsumed bytes it holds; the parser says how many it
/// consumed and what it found. Bytes of an incomplete head are left unconsumed (and
/// scanned only once) so that the caller's buffer holds them contiguously; body bytes
/// are consumed as they arrive. Every limit is checked as early as the bytes allow,
/// so a hostile client is stopped before the server buffers what it sends.
public struct HTTPRequestParser: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxRequestLineLength: Int
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int
        public var maxBodyBytes: Int

        public init(
            maxRequestLineLength: Int = 8192, maxHeaderBytes: Int = 32 * 1024,
            maxHeaderCount: Int = 100, maxBodyBytes: Int = 10 * 1024 * 1024
        ) {
            self.maxRequestLineLength = maxRequestLineLength
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// A complete request as read off the wire.
    public struct ParsedRequest: Sendable, Equatable {
        public var head: HTTPRequestHead
        public var body: [UInt8]
        public var trailers: HTTPHeaders
    }

    public enum Output: Sendable, Equatable {
        case needMoreData
        /// The head is complete; the body (if any) follows. Emitted once per request.
        case head(HTTPRequestHead)
        case request(ParsedRequest)
        /// Terminal: the parser stays failed and the connection must close.
        case error(HTTPParseError)
    }

    private enum Phase: Sendable {
        case head, body, chunkSize, chunkData, chunkDataEnd, trailers, complete, failed
    }

    public let limits: Limits
    private var phase: Phase = .head
    private var failure: HTTPParseError?
    // Head scanning, relative to the first unconsumed byte.
    private var scanned = 0
    private var lineStart = 0
    private var headerLines = 0
    private var requestLineEnd = -1
    // Body state.
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var remaining = 0
    private var trailers = HTTPHeaders()
    private var trailerBytes = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether the parser is between requests with nothing of the next one seen yet.
    public var isIdle: Bool { phase == .head && scanned == 0 }

    /// Whether a head has been parsed and its body is still being read.
    public var isReadingBody: Bool {
        switch phase {
        case .body, .chunkSize, .chunkData, .chunkDataEnd, .trailers, .complete: true
        default: false
        }
    }

    public mutating func parse(_ bytes: [UInt8]) -> (consumed: Int, output: Output) {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    public mutating func parse(_ input: UnsafeBufferPointer<UInt8>) -> (consumed: Int, output: Output) {
        var consumed = 0
        while true {
            switch phase {
            case .failed:
                return (consumed, .error(failure ?? .malformed("parser failed")))
            case .head:
                switch parseHead(input, consumed: &consumed) {
                case .some(let output): return (consumed, output)
                case .none: continue
                }
            case .body:
                guard takeBody(input, consumed: &consumed) else { return (consumed, .needMoreData) }
                phase = .complete
            case .chunkSize:
                guard let lineFeed = findLineFeed(input, from: consumed + scanned) else {
                    scanned = input.count - consumed
                    if scanned > Self.maxChunkLine { return fail(.malformed("chunk size line too long"), consumed) }
                    return (consumed, .needMoreData)
                }
                if lineFeed - consumed > Self.maxChunkLine { return fail(.malformed("chunk size line too long"), consumed) }
                guard lineFeed > consumed, input[lineFeed - 1] == 13 else {
                    return fail(.malformed("chunk size line not terminated by CRLF"), consumed)
                }
                guard let size = Self.chunkSize(UnsafeBufferPointer(rebasing: input[consumed..<(lineFeed - 1)])) else {
                    return fail(.malformed("invalid chunk size line"), consumed)
                }
                consumed = lineFeed + 1
                scanned = 0
                if size == 0 {
                    phase = .trailers
                } else {
                    if size > limits.maxBodyBytes - body.count {
                        return fail(.bodyTooLarge(limit: limits.maxBodyBytes), consumed)
                    }
                    remaining = size
                    phase = .chunkData
                }
            case .chunkData:
                guard takeBody(input, consumed: &consumed) else { return (consumed, .needMoreData) }
                phase = .chunkDataEnd
            case .chunkDataEnd:
                if input.count - consumed < 2 {
                    if input.count - consumed == 1 && input[consumed] != 13 {
                        return fail(.malformed("chunk data not followed by CRLF"), consumed)
                    }
                    return (consumed, .needMoreData)
                }
                guard input[consumed] == 13 && input[consumed + 1] == 10 else {
                    return fail(.malformed("chunk data not followed by CRLF"), consumed)
                }
                consumed += 2
                phase = .chunkSize
            case .trailers:
                guard let lineFeed = findLineFeed(input, from: consumed + scanned) else {
                    scanned = input.count - consumed
                    if trailerBytes + scanned > limits.maxHeaderBytes {
                        return fail(.headerSectionTooLarge(limit: limits.maxHeaderBytes), consumed)
                    }
                    return (consumed, .needMoreData)
                }
                trailerBytes += lineFeed + 1 - consumed
                if trailerBytes > limits.maxHeaderBytes {
                    return fail(.headerSectionTooLarge(limit: limits.maxHeaderBytes), consumed)
                }
                guard lineFeed > consumed, input[lineFeed - 1] == 13 else {
                    return fail(.malformed("trailer line not terminated by CRLF"), consumed)
                }
                let lineEnd = lineFeed - 1
                if lineEnd == consumed {
                    consumed = lineFeed + 1
                    scanned = 0
                    phase = .complete
                    continue
                }
                if trailers.count >= limits.maxHeaderCount {
                    return fail(.tooManyHeaders(limit: limits.maxHeaderCount), consumed)
                }
                switch Self.headerField(UnsafeBufferPointer(rebasing: input[consumed..<lineEnd])) {
                case .success(let field): trailers.add(field.name, field.value)
                case .failure(let error): return fail(error, consumed)
                }
                consumed = lineFeed + 1
                scanned = 0
            case .complete:
                let request = ParsedRequest(head: head!, body: body, trailers: trailers)
                reset()
                return (consumed, .request(request))
            }
        }
    }

    private mutating func reset() {
        phase = .head
        scanned = 0
        lineStart = 0
        headerLines = 0
        requestLineEnd = -1
        head = nil
        body = []
        remaining = 0
        trailers = HTTPHeaders()
        trailerBytes = 0
    }

    private mutating func fail(_ error: HTTPParseError, _ consumed: Int) -> (consumed: Int, output: Output) {
        phase = .failed
        failure = error
        return (consumed, .error(error))
    }

    private static let maxChunkLine = 4096

    /// The index of the next LF at or after `from`, or nil.
    /// Copies up to `remaining` body bytes (of a Content-Length body or of one
    /// chunk); true once all of them are in.
    private mutating func takeBody(_ input: UnsafeBufferPointer<UInt8>, consumed: inout Int) -> Bool {
        let take = min(remaining, input.count - consumed)
        if take > 0 {
            body.append(contentsOf: UnsafeBufferPointer(rebasing: input[consumed..<(consumed + take)]))
            consumed += take
            remaining -= take
        }
        return remaining == 0
    }

    private func findLineFeed(_ input: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < input.count, let found = memchr(input.baseAddress! + from, 10, input.count - from) else {
            return nil
        }
        return input.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Scans for the end of the head; returns an output to give back or nil to go on.
    private mutating func parseHead(_ input: UnsafeBufferPointer<UInt8>, consumed: inout Int) -> Output? {
        // Empty lines before a request line are ignored (RFC 9112 section 2.2).
        if scanned == 0 {
            while input.count - consumed >= 2 && input[consumed] == 13 && input[consumed + 1] == 10 {
                consumed += 2
            }
            if input.count - consumed == 1 && input[consumed] == 13 { return .needMoreData }
        }
        let base = consumed
        let available = input.count - base
        var i = scanned
        while i < available {
            guard let found = memchr(input.baseAddress! + base + i, 10, available - i) else {
                i = available
                break
            }
            i = input.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self)) - base
            // Size limits first, so that the outcome never depends on how bytes were split.
            if requestLineEnd < 0 {
                if i > limits.maxRequestLineLength + 1 {
                    return failHead(.requestLineTooLong(limit: limits.maxRequestLineLength))
                }
            } else if i + 1 - (requestLineEnd + 2) > limits.maxHeaderBytes {
                return failHead(.headerSectionTooLarge(limit: limits.maxHeaderBytes))
            }
            guard i > lineStart, input[base + i - 1] == 13 else {
                return failHead(.malformed("line not terminated by CRLF"))
            }
            if requestLineEnd < 0 {
                requestLineEnd = i - 1
            } else if i - 1 == lineStart {
                // Empty line: end of head.
                let headLength = i + 1
                let result = Self.parseHeadBytes(
                    UnsafeBufferPointer(rebasing: input[base..<(base + headLength)]),
                    requestLineEnd: requestLineEnd, limits: limits)
                switch result {
                case .failure(let error):
                    return failHead(error)
                case .success(let parsed):
                    consumed = base + headLength
                    scanned = 0
                    lineStart = 0
                    headerLines = 0
                    requestLineEnd = -1
                    head = parsed
                    body = []
                    trailers = HTTPHeaders()
                    trailerBytes = 0
                    switch parsed.framing {
                    case .none:
                        phase = .complete
                    case .contentLength(let length):
                        body.reserveCapacity(length)
                        remaining = length
                        phase = .body
                    case .chunked:
                        phase = .chunkSize
                    }
                    return .head(parsed)
                }
            } else {
                headerLines += 1
                if headerLines > limits.maxHeaderCount {
                    return failHead(.tooManyHeaders(limit: limits.maxHeaderCount))
                }
            }
            lineStart = i + 1
            i += 1
        }
        scanned = available
        if requestLineEnd < 0 {
            if available > limits.maxRequestLineLength + 1 {
                return failHead(.requestLineTooLong(limit: limits.maxRequestLineLength))
            }
        } else if available - requestLineEnd - 2 > limits.maxHeaderBytes {
            return failHead(.headerSectionTooLarge(limit: limits.maxHeaderBytes))
        }
        return .needMoreData
    }

    private mutating func failHead(_ error: HTTPParseError) -> Output {
        phase = .failed
        failure = error
        return .error(error)
    }
}
