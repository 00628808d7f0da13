/// Who waits for a publish's confirm: one caller, or one caller for a batch.
///
/// A batch (`AMQPTransport.publish(exchange:bodies:options:)`) costs one
/// inbox post and one resumption for all its messages instead of one of
/// each per message, which is most of the web role's CPU per image.
enum AMQPPublishReply: Sendable {
    case single(CheckedContinuation<Void, any Error>)
    case batch(AMQPBatchReply)

    func resume() {
        switch self {
        case .single(let continuation): continuation.resume()
        case .batch(let batch): batch.settled(nil)
        }
    }

    func resume(throwing error: any Error) {
        switch self {
        case .single(let continuation): continuation.resume(throwing: error)
        case .batch(let batch): batch.settled(error)
        }
    }
}

/// Counts a batch's confirms down; its caller resumes at the last one, or at
/// the first failure (the others still settle, unseen).
///
/// Unchecked Sendable: made by the caller, then only touched by the
/// publisher's thread (the ledger settles every entry there).
final class AMQPBatchReply: @unchecked Sendable {
    private var remaining: Int
    private var continuation: CheckedContinuation<Void, any Error>?

    init(count: Int, continuation: CheckedContinuation<Void, any Error>) {
        remaining = count
        self.continuation = continuation
        if count <= 0 { settleNow() }
    }

    func settled(_ error: (any Error)?) {
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
