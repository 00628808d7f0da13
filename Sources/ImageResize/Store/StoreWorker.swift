import Foundation
import Logging
import MsgFlo
import Postgres
import Primitives

/// The `imageresize/StoreResult` participant: stores each image's bytes and
/// outcome, and closes the job with its last image.
///
/// Idempotent per image, so a redelivered message changes nothing. A database
/// or storage outage requeues the message (retry later) instead of losing it.
public enum StoreWorker {
    public static let component = "imageresize/StoreResult"

    public static func definition(role: String, id: String? = nil) -> ParticipantDefinition {
        .conventional(
            role: role, component: component, id: id, label: "Stores results and errors of resized images",
            icon: "database", inports: ["in"], outports: [])
    }

    /// - Parameter streak: consecutive database failures of this worker, which
    ///   set how long a message waits before it is tried again (2 s, then
    ///   doubling up to a minute): an outage that lasts, a full disk or a
    ///   read-only database is not retried in a tight loop.
    public static func handler(
        store: any JobStore, storage: any ImageStorage, logger: Logger,
        streak: FailureStreak = FailureStreak()
    ) -> Participant.RawHandler {
        { _, message, _ in
            let outcome = try decodeOutcome(message.body)
            do {
                _ = try await keep(outcome, store: store, storage: storage, logger: logger)
                streak.succeeded()
            } catch let error as PostgresError where error.isTransient {
                throw RetryLater(error, retryDelay: streak.failed())
            }
        }
    }

    /// Stores one outcome: the bytes, then the record.
    static func keep(_ outcome: ResizeOutcome, store: any JobStore, storage: any ImageStorage, logger: Logger) async throws -> RecordResult {
        let job = outcome.jobID.uuidString.lowercased()
        let image = outcome.imageID.uuidString.lowercased()
        var output: ImageOutput?
        if let result = outcome.result {
            let key = image
            try await storage.put(key: key, data: result.data, contentType: result.format.contentType)
            output = ImageOutput(
                width: result.width, height: result.height, bytes: result.data.count,
                contentType: result.format.contentType, storageKey: key)
        }
        let recorded = try await store.record(outcome, output: output)
        switch recorded {
        case .recorded(let finished):
            logger.info(
                finished ? "job finished" : "image recorded",
                metadata: ["job": "\(job)", "image": "\(image)", "status": "\(outcome.error == nil ? "completed" : "failed")"])
        case .duplicate:
            logger.info("image already recorded; redelivery ignored", metadata: ["job": "\(job)", "image": "\(image)"])
        case .unknownImage:
            // The job is gone (deleted by retention, or never committed): so are the bytes just stored.
            if let output { try await storage.delete(keys: [output.storageKey]) }
            logger.warning("no such image; result dropped", metadata: ["job": "\(job)", "image": "\(image)"])
        }
        return recorded
    }

    /// Reads what resize sends on `out` and `error`, and the participant
    /// runtime's own `{"error", "code", "input"}` when a resize handler threw
    /// (code `internal` when it gives none) or the message killed every worker
    /// that took it (`worker_crashed`).
    static func decodeOutcome(_ body: Data) throws -> ResizeOutcome {
        if let outcome = try? ResizeOutcome.decode(body) { return outcome }
        let json = JSONValue(messageBody: body)
        if let input = json["input"], let request = try? ResizeRequest.decode(input.encoded()) {
            let now = Date()
            return ResizeOutcome(
                jobID: request.jobID, imageID: request.imageID, startedAt: now, finishedAt: now,
                error: ImageFailure(code: json["code"]?.stringValue ?? "internal", message: json["error"]?.stringValue ?? "resize failed"))
        }
        throw MessageFormatError(
            expected: "a resize outcome",
            underlying: DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: String(decoding: body.prefix(200), as: UTF8.self))))
    }
}

extension PostgresError {
    /// The database is unreachable or restarting, not the data wrong: retry later.
    var isTransient: Bool {
        switch kind {
        case .connectionFailed, .connectionLost, .closed: return true
        case .server:
            // 08: connection exception, 57P: operator intervention (shutdown), 53: insufficient resources (disk full,
            // out of memory, too many connections), 40: serialization, 25006: read-only transaction (a standby
            // during failover).
            guard let state = sqlState else { return false }
            return state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || state.hasPrefix("40") || state == "25006"
        default: return false
        }
    }
}
