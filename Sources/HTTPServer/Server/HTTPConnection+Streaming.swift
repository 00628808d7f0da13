/// Streamed response bodies: the producer runs as a task and its chunks are
/// posted to the loop, which frames them (chunked, or raw for HTTP/1.0) and
/// holds the producer back while the client's backlog is large.
extension HTTPConnection {
    /// Runs the body producer; the request stays in flight until it returns.
    func startStream(
        _ stream: @escaping @Sendable (HTTPBodyWriter) async throws -> Void,
        chunked: Bool, request: HTTPRequest
    ) {
        inFlight = true
        streamingChunked = chunked
        flush()
        let writer = HTTPBodyWriter(loop: loop, connection: self)
        let loop = self.loop
        loop.spawn {
            var failed = false
            do {
                try await stream(writer)
            } catch {
                failed = true
                if !(error is HTTPBodyWriterClosedError) {
                    request.logger.error("streamed body of \(request.method) \(request.path) failed: \(error)")
                }
            }
            let didFail = failed
            loop.execute { self.finishStream(failed: didFail) }
        }
    }

    func writeStreamChunk(_ bytes: [UInt8], resume: CheckedContinuation<Bool, Never>) {
        guard case .http = mode, inFlight else { return resume.resume(returning: false) }
        if streamingChunked {
            ResponseSerializer.appendChunk(bytes, to: &writeBuffer)
        } else {
            writeBuffer.append(contentsOf: bytes)
        }
        flush()
        guard case .http = mode else { return resume.resume(returning: false) }
        if writeBuffer.count - writeIndex < Self.writeBacklogLimit {
            resume.resume(returning: true)
        } else {
            streamWaiter = resume
        }
    }

    private func finishStream(failed: Bool) {
        guard case .http = mode else { return }
        if let waiter = streamWaiter {
            streamWaiter = nil
            waiter.resume(returning: false)
        }
        if failed {
            close()
            return
        }
        if streamingChunked { writeBuffer.append(contentsOf: ResponseSerializer.lastChunk) }
        inFlight = false
        flush()
        if case .http = mode, !closeAfterWrite {
            setInterest(reading: true)
            processRequests()
        }
    }
}
