import Foundation
import MsgFlo
import SafeDownload

/// The JSON answer of `GET /jobs/{id}`: status, job and per-image timestamps,
/// durations, result links or error codes.
public struct JobView: Sendable, Equatable {
    public struct ResultLink: Sendable, Equatable {
        public var url: String
        public var width: Int
        public var height: Int
        public var contentType: String
        public var bytes: Int
    }

    public struct Image: Sendable, Equatable {
        /// Lowercase, as in every URL the API gives out.
        public var id: String
        public var status: ImageStatus
        public var url: String
        public var width: Int?
        public var height: Int?
        public var fit: Fit
        public var format: OutputFormat
        public var quality: Int
        public var createdAt: Date
        public var startedAt: Date?
        public var completedAt: Date?
        public var failedAt: Date?
        /// Created -> started: time spent in the queue.
        public var waitingMs: Int?
        /// Started -> finished: download and resize.
        public var processingMs: Int?
        public var result: ResultLink?
        public var error: ImageFailure?
    }

    /// Lowercase, as in `Location` and every URL the API gives out.
    public var id: String
    public var status: JobStatus
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
    public var failedAt: Date?
    /// Created -> last image finished.
    public var durationMs: Int?
    public var url: String
    public var images: [Image]

    public init(_ job: JobRecord, baseURL: String = "") {
        id = job.id.uuidString.lowercased()
        status = job.status
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        completedAt = job.completedAt
        failedAt = job.failedAt
        durationMs = job.finishedAt.map { Self.milliseconds(from: job.createdAt, to: $0) }
        let jobPath = "\(baseURL)/jobs/\(job.id.uuidString.lowercased())"
        url = jobPath
        images = job.images.map { image in
            let finished = image.completedAt ?? image.failedAt
            return Image(
                id: image.id.uuidString.lowercased(), status: image.status, url: URLRedaction.redact(image.spec.url),
                width: image.spec.width, height: image.spec.height,
                fit: image.spec.fit, format: image.spec.format, quality: image.spec.quality,
                createdAt: image.createdAt, startedAt: image.startedAt, completedAt: image.completedAt, failedAt: image.failedAt,
                waitingMs: image.startedAt.map { Self.milliseconds(from: image.createdAt, to: $0) },
                processingMs: image.startedAt.flatMap { started in finished.map { Self.milliseconds(from: started, to: $0) } },
                result: image.output.map {
                    ResultLink(
                        url: "\(jobPath)/images/\(image.id.uuidString.lowercased())", width: $0.width, height: $0.height,
                        contentType: $0.contentType, bytes: $0.bytes)
                },
                error: image.error.map(\.redacted))
        }
    }

    /// Never negative, never a trap: the times come from the database and from worker messages.
    static func milliseconds(from start: Date, to end: Date) -> Int {
        let milliseconds = (end.timeIntervalSince(start) * 1000).rounded()
        return milliseconds > 0 ? Int(min(milliseconds, 1e15)) : 0
    }

    public func encoded() -> Data { json.encoded() }

    /// The answer's JSON. Absent values are `null`, not missing keys: clients read one shape.
    public var json: JSONValue {
        .object([
            "id": .string(id), "status": .string(status.rawValue), "url": .string(url),
            "created_at": .timestamp(createdAt), "updated_at": .timestamp(updatedAt),
            "completed_at": .timestamp(completedAt), "failed_at": .timestamp(failedAt),
            "duration_ms": .integer(durationMs), "images": .array(images.map(\.json)),
        ])
    }
}

extension JobView.Image {
    var json: JSONValue {
        .object([
            "id": .string(id), "status": .string(status.rawValue), "url": .string(url),
            "width": .integer(width), "height": .integer(height), "fit": .string(fit.rawValue),
            "format": .string(format.rawValue), "quality": .integer(quality),
            "created_at": .timestamp(createdAt), "started_at": .timestamp(startedAt),
            "completed_at": .timestamp(completedAt), "failed_at": .timestamp(failedAt),
            "waiting_ms": .integer(waitingMs), "processing_ms": .integer(processingMs),
            "result": result.map(\.json) ?? .null, "error": error.map(\.json) ?? .null,
        ])
    }
}

extension JobView.ResultLink {
    var json: JSONValue {
        .object([
            "url": .string(url), "width": .integer(width), "height": .integer(height),
            "content_type": .string(contentType), "bytes": .integer(bytes),
        ])
    }
}

/// The original 2017 API's view of a job (`GET /job/{id}`): per image `input`,
/// timestamps and `result.output` or `error.message`.
public struct LegacyJobView: Encodable, Sendable {
    struct Image: Encodable {
        var id: String
        var input: String
        var width: Int?
        var height: Int?
        var started_at: Date?
        var completed_at: Date?
        var failed_at: Date?
        var result: [String: String]?
        var error: [String: String]?
    }
    var id: String
    var created_at: Date
    var updated_at: Date
    var completed_at: Date?
    var failed_at: Date?
    var images: [Image]

    public init(_ job: JobRecord, baseURL: String = "") {
        id = job.id.uuidString.lowercased()
        created_at = job.createdAt
        updated_at = job.updatedAt
        completed_at = job.completedAt
        failed_at = job.failedAt
        let jobPath = "\(baseURL)/jobs/\(job.id.uuidString.lowercased())"
        images = job.images.map { image in
            Image(
                id: image.id.uuidString.lowercased(), input: URLRedaction.redact(image.spec.url), width: image.spec.width, height: image.spec.height,
                started_at: image.startedAt, completed_at: image.completedAt, failed_at: image.failedAt,
                result: image.output.map { _ in ["output": "\(jobPath)/images/\(image.id.uuidString.lowercased())"] },
                error: image.error.map(\.redacted).map { ["message": $0.message, "code": $0.code] })
        }
    }

    public func encoded() -> Data { (try? Timestamps.encoder.encode(self)) ?? Data() }
}

extension ImageFailure {
    /// The failure with any URL in its message redacted (a download error
    /// names the URL it fetched, which may carry credentials).
    var redacted: ImageFailure { ImageFailure(code: code, message: URLRedaction.redactURLs(in: message)) }
}
