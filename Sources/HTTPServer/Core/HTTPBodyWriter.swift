/// Writing to a streamed response whose connection has gone.
public struct HTTPBodyWriterClosedError: Error, Sendable, CustomStringConvertible {
    public var description: String { "the client connection closed: stop producing the response body" }
}

/// The sink of a streamed response body. `write` returns once the bytes are queued
/// and the connection's unsent backlog is small, so a slow client slows the
/// producer instead of filling memory.
public final class HTTPBodyWriter: Sendable {
    let loop: EventLoop
    /// The loop-confined connection, dereferenced only on the loop thread;
    /// weak, so a producer that outlives its connection does not keep it.
    private weak let connection: HTTPConnection?

    init(loop: EventLoop, connection: HTTPConnection) {
        self.loop = loop
        self.connection = connection
    }

    public func write(_ bytes: [UInt8]) async throws(HTTPBodyWriterClosedError) {
        guard !bytes.isEmpty else { return }
        let accepted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            loop.execute { [self] in
                guard let connection else { return continuation.resume(returning: false) }
                connection.writeStreamChunk(bytes, resume: continuation)
            }
        }
        if !accepted { throw HTTPBodyWriterClosedError() }
    }

    public func write(_ text: String) async throws(HTTPBodyWriterClosedError) {
        try await write(Array(text.utf8))
    }
}
