/// Who waits for a publish's confirms: one caller for one or more messages.
///
/// Counts the confirms down; the caller resumes at the last one, or at the
/// first failure (the others still settle, unseen). A batch
/// (`AMQPTransport.publish(exchange:bodies:options:)`) costs one inbox post
/// and one resumption for all its messages instead of one of each per
/// message, which was most of the web role's CPU per image; a single publish
/// is a batch of one.
///
/// Unchecked Sendable: made by the caller, then only touched by the
/// publisher's thread (the ledger settles every entry there).
final class AMQPPublishReply: @unchecked Sendable {
    private var remaining: Int
    private var continuation: CheckedContinuation<Void, any Error>?

    init(count: Int, continuation: CheckedContinuation<Void, any Error>) {
        remaining = count
        self.continuation = continuation
        if count <= 0 { settleNow() }
    }

    /// One message confirmed.
    func resume() { settled(nil) }

    /// One message failed: the caller hears of it now.
    func resume(throwing error: any Error) { settled(error) }

    private func settled(_ error: (any Error)?) {
        remaining -= 1
        if let error, let continuation {
            self.continuation = nil
            continuation.resume(throwing: error)
        } else if remaining <= 0 {
            settleNow()
        }
    }

    private func settleNow() {
        continuation?.resume()
        continuation = nil
    }
}
