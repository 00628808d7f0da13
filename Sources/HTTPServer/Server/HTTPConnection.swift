import Foundation
import Primitives

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection: reads and parses requests, runs one handler at a time
/// (so pipelined requests are answered in order), writes responses, and enforces
/// deadlines. Confined to its event loop's thread; unchecked Sendable only so
/// that handler tasks can carry it back to that loop through `EventLoop.execute`.
final class HTTPConnection: @unchecked Sendable {
    enum Mode {
        case http
        case webSocket(WebSocketSession)
        /// Response sent with `Connection: close`; write side shut, reading until the
        /// peer closes so that our last response is not destroyed by a TCP reset.
        case lingering
        case closed
    }

    enum Deadline {
        case none, idle, header, body, write, linger
        /// WebSocket: time since the peer last sent anything; first a ping, then close.
        case webSocketPing
    }

    let fd: Int32
    unowned let loop: EventLoop
    let remoteAddress: String
    let counted: Bool
    private var parser: HTTPRequestParser
    private var readBuffer: [UInt8] = []
    private var readIndex = 0
    var writeBuffer: [UInt8] = []
    var writeIndex = 0
    private(set) var mode: Mode = .http
    var inFlight = false
    /// The running handler's view of its client, told when the peer closes.
    private var presence: ClientPresence?
    var closeAfterWrite = false
    private var peerClosed = false
    private var interest: UInt32 = 0
    private var requestCount = 0
    private var processing = false
    private var pingOutstanding = false
    /// A streamed response is being produced (see HTTPConnection+Streaming.swift).
    var streamingChunked = false
    var streamWaiter: CheckedContinuation<Bool, Never>?
    private(set) var deadline: UInt64 = 0
    private var deadlineKind: Deadline = .none

    private static let readPauseThreshold = 1 << 20
    static let writeBacklogLimit = 1 << 20
    private static let lingerNanoseconds: UInt64 = 2_000_000_000

    init(fd: Int32, loop: EventLoop, remoteAddress: String, counted: Bool) {
        self.fd = fd
        self.loop = loop
        self.remoteAddress = remoteAddress
        self.counted = counted
        self.parser = HTTPRequestParser(limits: loop.configuration.parserLimits)
    }

    var configuration: HTTPServer.Configuration { loop.configuration }

    func start() {
        interest = Epoll.in | Epoll.rdhup
        loop.register(fd, events: interest)
        setDeadline(.header)
    }

    /// Answers a connection over the limit with 503 and closes it.
    func refuse() {
        interest = Epoll.in | Epoll.rdhup
        loop.register(fd, events: interest)
        var response = HTTPError(.serviceUnavailable, "server is at its connection limit: retry later").response
        response.headers.set("Retry-After", String(configuration.retryAfterSeconds))
        queueResponse(response, version: .http1_1, keepAlive: false, includeBody: true, requestId: nil)
        closeAfterWrite = true
        flush()
    }

    // MARK: events

    func handle(events: UInt32) {
        if events & Epoll.out != 0 { flush() }
        if case .closed = mode { return }
        if events & (Epoll.in | Epoll.rdhup | Epoll.hup | Epoll.err) != 0 {
            readAvailable()
        }
    }

    private func readAvailable() {
        let scratch = loop.scratch
        var sawEnd = false
        var receivedBytes = false
        while true {
            let n = recv(fd, scratch.baseAddress, scratch.count, 0)
            if n > 0 {
                if case .lingering = mode { continue }
                receivedBytes = true
                readBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
                if n < scratch.count { break }
                if readBuffer.count - readIndex > Self.readPauseThreshold { break }
            } else if n == 0 {
                sawEnd = true
                break
            } else {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                close()
                return
            }
        }
        switch mode {
        case .closed:
            return
        case .lingering:
            if sawEnd { close() }
            return
        case .webSocket(let session):
            if receivedBytes && deadlineKind == .webSocketPing {
                pingOutstanding = false
                setDeadline(.webSocketPing)
            }
            feedWebSocket(session)
            if sawEnd { close() }
            return
        case .http:
            processRequests()
            if sawEnd { peerDidClose() }
        }
    }

    private func peerDidClose() {
        peerClosed = true
        presence?.markGone()
        setInterest(reading: false)
        if case .http = mode, !inFlight, writeIndex >= writeBuffer.count {
            close()
        } else {
            closeAfterWrite = true
        }
    }

    // MARK: requests

    func processRequests() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        // Stop parsing while a client is not reading its responses: its pipelined
        // requests wait in the read buffer, which stops being read past a limit.
        while case .http = mode, !inFlight, !closeAfterWrite, writeBuffer.count - writeIndex < Self.writeBacklogLimit {
            let wasIdle = parser.isIdle
            let (consumed, output) = readBuffer.withUnsafeBufferPointer {
                parser.parse(UnsafeBufferPointer(rebasing: $0[readIndex...]))
            }
            readIndex += consumed
            switch output {
            case .needMoreData:
                if parser.isReadingBody {
                    // deadline set when the head completed
                } else if readIndex < readBuffer.count {
                    if wasIdle && deadlineKind != .header { setDeadline(.header) }
                } else if requestCount > 0 || deadlineKind == .none {
                    setDeadline(requestCount > 0 ? .idle : .header)
                }
                compactReadBuffer()
                return
            case .head(let head):
                if head.framing != .none { setDeadline(.body) }
                if head.expectsContinue && readIndex >= readBuffer.count {
                    writeBuffer.append(contentsOf: Self.continueLine)
                    flush()
                }
            case .request(let request):
                dispatch(request)
            case .error(let error):
                fail(error)
                return
            }
        }
        compactReadBuffer()
        if inFlight && readBuffer.count - readIndex > Self.readPauseThreshold {
            setInterest(reading: false)
        }
    }

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private func compactReadBuffer() {
        if readIndex >= readBuffer.count {
            if readBuffer.capacity > 256 * 1024 { readBuffer = [] } else { readBuffer.removeAll(keepingCapacity: true) }
            readIndex = 0
        } else if readIndex > 32 * 1024 {
            readBuffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    private func fail(_ error: HTTPParseError) {
        loop.server.logger.info("rejected request from \(remoteAddress): \(error.status.code) \(error)")
        queueResponse(
            HTTPError(error.status, error.description).response, version: .http1_1,
            keepAlive: false, includeBody: true, requestId: nil)
        closeAfterWrite = true
        setDeadline(.none)
        flush()
    }

    private func dispatch(_ parsed: HTTPRequestParser.ParsedRequest) {
        inFlight = true
        requestCount += 1
        setDeadline(.none)
        let head = parsed.head
        let requestId = Self.usableRequestId(head.headers["X-Request-Id"]) ?? loop.nextRequestId()
        let presence = ClientPresence()
        self.presence = presence
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers,
            body: parsed.body, trailers: parsed.trailers, requestId: requestId,
            remoteAddress: remoteAddress, logger: loop.server.logger, client: presence)
        let server = loop.server
        let loop = self.loop
        loop.spawn {
            let started = MonotonicClock.nanoseconds()
            let outcome = await server.respond(to: request)
            server.logAccess(request: request, outcome: outcome, started: started)
            loop.execute { self.complete(outcome, head: head, request: request) }
        }
    }

    static func usableRequestId(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        else { return nil }
        return value
    }

    private func complete(_ outcome: HTTPServer.Outcome, head: HTTPRequestHead, request: HTTPRequest) {
        presence = nil
        guard case .http = mode else { return }
        inFlight = false
        switch outcome {
        case .response(let response):
            var keepAlive = head.keepAlive && !loop.draining && !peerClosed
            if let stream = response.bodyStream, head.method != .head {
                // HTTP/1.0 has no chunked coding: the body ends when the connection does.
                let chunked = head.version == .http1_1
                if !chunked { keepAlive = false }
                ResponseSerializer.append(
                    response, to: &writeBuffer, version: head.version, keepAlive: keepAlive,
                    includeBody: false, date: loop.currentDateHeader(),
                    requestId: request.requestId, framing: chunked ? .chunked : .untilClose)
                if !keepAlive { closeAfterWrite = true }
                startStream(stream, chunked: chunked, request: request)
                return
            }
            queueResponse(
                response, version: head.version, keepAlive: keepAlive,
                includeBody: head.method != .head, requestId: request.requestId,
                framing: response.bodyStream == nil ? .contentLength : .chunked)
            if !keepAlive { closeAfterWrite = true }
            flush()
            if case .http = mode, !closeAfterWrite {
                setInterest(reading: true)
                processRequests()
            }
        case .upgrade(let response, let subprotocol, let handler):
            queueResponse(
                response, version: head.version, keepAlive: true, includeBody: false,
                requestId: request.requestId)
            let session = WebSocketSession(
                connection: self, subprotocol: subprotocol,
                maxMessageBytes: configuration.maxWebSocketMessageBytes,
                maxSendBacklogBytes: configuration.maxWebSocketSendBacklogBytes)
            mode = .webSocket(session)
            setDeadline(.webSocketPing)
            flush()
            setInterest(reading: true)
            let socket = session.socket
            let logger = request.logger
            loop.spawn {
                do {
                    try await handler(request, socket)
                } catch {
                    logger.warning("websocket handler failed: \(error)")
                }
                await socket.close()
            }
            feedWebSocket(session)
        }
    }

    func queueResponse(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, includeBody: Bool,
        requestId: String?, framing: ResponseSerializer.Framing = .contentLength
    ) {
        ResponseSerializer.append(
            response, to: &writeBuffer, version: version, keepAlive: keepAlive,
            includeBody: includeBody, date: loop.currentDateHeader(), requestId: requestId,
            framing: framing)
    }

    // MARK: WebSocket

    private func feedWebSocket(_ session: WebSocketSession) {
        guard readIndex < readBuffer.count else { return }
        let consumed = readBuffer.withUnsafeBufferPointer {
            session.receive(UnsafeBufferPointer(rebasing: $0[readIndex...]))
        }
        readIndex += consumed
        compactReadBuffer()
    }

    func pauseReading() {
        setInterest(reading: false)
    }

    func resumeWebSocketReading() {
        guard case .webSocket(let session) = mode else { return }
        setInterest(reading: true)
        feedWebSocket(session)
    }

    /// Bytes queued for the peer that the socket has not taken yet.
    var unsentBytes: Int { writeBuffer.count - writeIndex }

    /// Queues bytes (a WebSocket frame) and writes what the socket takes.
    func send(_ bytes: [UInt8]) {
        switch mode {
        case .closed, .lingering: return
        default: break
        }
        writeBuffer.append(contentsOf: bytes)
        flush()
    }

    /// Ends a WebSocket connection once queued frames are written.
    func finishAfterWrite() {
        closeAfterWrite = true
        flush()
    }

    // MARK: writing

    func flush() {
        if case .closed = mode { return }
        let before = writeIndex
        while writeIndex < writeBuffer.count {
            let n = writeBuffer.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + writeIndex, $0.count - writeIndex, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                writeIndex += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if interest & Epoll.out == 0 {
                    interest |= Epoll.out
                    loop.modify(fd, events: interest)
                }
                // The write deadline measures a stall: progress restarts it.
                if deadlineKind == .none || deadlineKind == .idle || (deadlineKind == .write && writeIndex > before) {
                    setDeadline(.write)
                }
                if writeBuffer.count - writeIndex >= Self.writeBacklogLimit { setInterest(reading: false) }
                if let waiter = streamWaiter, writeBuffer.count - writeIndex < Self.writeBacklogLimit {
                    streamWaiter = nil
                    waiter.resume(returning: true)
                }
                return
            } else {
                close()
                return
            }
        }
        if writeBuffer.capacity > 256 * 1024 { writeBuffer = [] } else { writeBuffer.removeAll(keepingCapacity: true) }
        writeIndex = 0
        if interest & Epoll.out != 0 {
            interest &= ~Epoll.out
            loop.modify(fd, events: interest)
        }
        if deadlineKind == .write {
            if case .webSocket = mode { setDeadline(.webSocketPing) } else { setDeadline(.none) }
        }
        if let waiter = streamWaiter {
            streamWaiter = nil
            waiter.resume(returning: true)
        }
        if closeAfterWrite {
            if case .http = mode, inFlight { return }
            startLingering()
        } else if case .http = mode, !inFlight, readIndex < readBuffer.count || interest & Epoll.in == 0 {
            setInterest(reading: true)
            processRequests()
        }
    }

    private func startLingering() {
        if peerClosed {
            close()
            return
        }
        if case .webSocket(let session) = mode { session.connectionClosed() }
        mode = .lingering
        shutdown(fd, Int32(SHUT_WR))
        readBuffer = []
        readIndex = 0
        setInterest(reading: true)
        setDeadline(.linger)
    }

    func setInterest(reading: Bool) {
        if case .closed = mode { return }
        let readBits = Epoll.in | Epoll.rdhup
        let wanted = reading && !peerClosed ? (interest | readBits) : (interest & ~readBits)
        if wanted != interest {
            interest = wanted
            loop.modify(fd, events: interest)
        }
    }

    // MARK: deadlines and shutdown

    private func setDeadline(_ kind: Deadline) {
        deadlineKind = kind
        let config = configuration
        let span: UInt64
        switch kind {
        case .none:
            deadline = 0
            return
        case .idle: span = config.idleTimeout.nanoseconds
        case .header: span = config.headerReadTimeout.nanoseconds
        case .body: span = config.bodyReadTimeout.nanoseconds
        case .write: span = config.writeTimeout.nanoseconds
        case .linger: span = Self.lingerNanoseconds
        case .webSocketPing:
            guard let interval = config.webSocketPingInterval else {
                deadline = 0
                return
            }
            span = interval.nanoseconds
        }
        deadline = MonotonicClock.nanoseconds() + span
    }

    func deadlineExpired() {
        switch deadlineKind {
        case .none:
            deadline = 0
        case .idle, .write, .linger:
            close()
        case .webSocketPing:
            guard case .webSocket(let session) = mode else { return close() }
            if pingOutstanding {
                loop.server.logger.info("websocket from \(remoteAddress) silent after a ping: closing")
                setDeadline(.none)
                session.close(.goingAway, reason: "no answer to ping")
            } else {
                pingOutstanding = true
                setDeadline(.webSocketPing)
                session.sendPing()
            }
        case .header, .body:
            let partial = readIndex < readBuffer.count || parser.isReadingBody
            guard partial || deadlineKind == .body else {
                close()
                return
            }
            loop.server.logger.info("request from \(remoteAddress) too slow: 408 and close")
            queueResponse(
                HTTPError(.requestTimeout, "request not received in time").response,
                version: .http1_1, keepAlive: false, includeBody: true, requestId: nil)
            closeAfterWrite = true
            setDeadline(.none)
            flush()
        }
    }

    /// Shutdown: idle connections close now, busy ones after their current response.
    func drain() {
        switch mode {
        case .http:
            if !inFlight && writeIndex >= writeBuffer.count && parser.isIdle && readIndex >= readBuffer.count {
                close()
            }
        case .webSocket(let session):
            session.goingAway()
        case .lingering, .closed:
            break
        }
    }

    func close() {
        if case .closed = mode { return }
        let previous = mode
        mode = .closed
        presence?.markGone()
        presence = nil
        deadline = 0
        deadlineKind = .none
        Glibc.close(fd)
        loop.removed(self)
        readBuffer = []
        writeBuffer = []
        if let waiter = streamWaiter {
            streamWaiter = nil
            waiter.resume(returning: false)
        }
        if case .webSocket(let session) = previous { session.connectionClosed() }
    }
}
