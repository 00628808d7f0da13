import Foundation
import Primitives

/// Filters of `GET /jobs`.
public struct JobQuery: Sendable, Equatable {
    public var status: JobStatus?
    public var since: Date?
    /// Jobs created strictly before this one (keyset pagination cursor).
    public var before: (createdAt: Date, id: UUID)?
    public var limit: Int

    public init(status: JobStatus? = nil, since: Date? = nil, before: (createdAt: Date, id: UUID)? = nil, limit: Int = 50) {
        self.status = status
        self.since = since
        self.before = before
        self.limit = limit
    }

    public static func == (lhs: JobQuery, rhs: JobQuery) -> Bool {
        lhs.status == rhs.status && lhs.since == rhs.since && lhs.limit == rhs.limit
            && lhs.before?.createdAt == rhs.before?.createdAt && lhs.before?.id == rhs.before?.id
    }
}

/// Counts and timing percentiles over a window, for `GET /stats`.
public struct JobStats: Sendable, Equatable, Codable {
    public struct Percentiles: Sendable, Equatable, Codable {
        public var p50: Double?
        public var p90: Double?
        public var p95: Double?
        public var p99: Double?
        public var max: Double?
        public init(p50: Double? = nil, p90: Double? = nil, p95: Double? = nil, p99: Double? = nil, max: Double? = nil) {
            self.p50 = p50
            self.p90 = p90
            self.p95 = p95
            self.p99 = p99
            self.max = max
        }
    }
    public struct Counts: Sendable, Equatable, Codable {
        public var total: Int
        public var pending: Int
        public var completed: Int
        public var failed: Int
        public var partial: Int
        public init(total: Int = 0, pending: Int = 0, completed: Int = 0, failed: Int = 0, partial: Int = 0) {
            self.total = total
            self.pending = pending
            self.completed = completed
            self.failed = failed
            self.partial = partial
        }
    }

    public var windowSeconds: Double
    public var jobs: Counts
    public var images: Counts
    /// Image created -> started (time in the queue), milliseconds.
    public var waitingMs: Percentiles
    /// Image started -> finished (download + resize), milliseconds.
    public var processingMs: Percentiles
    /// Job created -> last image finished, milliseconds.
    public var jobMs: Percentiles

    enum CodingKeys: String, CodingKey {
        case windowSeconds = "window_seconds"
        case jobs, images
        case waitingMs = "waiting_ms"
        case processingMs = "processing_ms"
        case jobMs = "job_ms"
    }

    public init(windowSeconds: Double, jobs: Counts, images: Counts, waitingMs: Percentiles, processingMs: Percentiles, jobMs: Percentiles) {
        self.windowSeconds = windowSeconds
        self.jobs = jobs
        self.images = images
        self.waitingMs = waitingMs
        self.processingMs = processingMs
        self.jobMs = jobMs
    }
}

extension JobStats.Percentiles {
    /// The percentiles `/stats` reports, in percent (p50, p90, p95, p99).
    static let reported = [50, 90, 95, 99]

    /// The figures of `sample` by the project's one percentile definition,
    /// nearest rank (`Primitives.Percentiles`); `PostgresJobStore` asks
    /// PostgreSQL for the same with `percentile_disc`.
    public init(of sample: some Sequence<Double>) {
        let percentiles = Primitives.Percentiles(sample)
        self.init(
            p50: percentiles.value(at: 50), p90: percentiles.value(at: 90), p95: percentiles.value(at: 95),
            p99: percentiles.value(at: 99), max: percentiles.maximum)
    }
}

/// What recording one image's outcome did.
public enum RecordResult: Sendable, Equatable {
    /// Stored; `jobFinished` when it was the job's last image.
    case recorded(jobFinished: Bool)
    /// The image already had an outcome (a redelivered message): nothing changed.
    case duplicate
    /// No such image (its job was deleted or never committed): nothing to change.
    case unknownImage
}

/// Where jobs live. Postgres by default; the protocol keeps the API and the
/// workers testable and the storage replaceable.
public protocol JobStore: Sendable {
    /// Inserts a job and its images atomically.
    func create(jobID: UUID, images: [(id: UUID, spec: ImageSpec)], at: Date) async throws
    /// Removes a job that could not be published, so no half-created job stays.
    func delete(jobID: UUID) async throws
    func job(_ id: UUID) async throws -> JobRecord?
    func jobs(_ query: JobQuery) async throws -> [JobRecord]
    func stats(window: TimeInterval, now: Date) async throws -> JobStats
    /// Records one image's outcome exactly once; redeliveries change nothing.
    func record(_ outcome: ResizeOutcome, output: ImageOutput?) async throws -> RecordResult
    /// Cheap reachability check for `/health`.
    func ping() async throws
}

/// Where resized bytes live, keyed by image id. Postgres by default; an
/// S3-compatible store implements the same three calls.
public protocol ImageStorage: Sendable {
    /// Stores bytes under `key`, replacing what was there (so redelivery is harmless). Returns the ETag.
    @discardableResult
    func put(key: String, data: Data, contentType: String) async throws -> String
    func get(key: String) async throws -> StoredImage?
    /// Removes what is stored under `keys`; keys with nothing stored are no error.
    func delete(keys: [String]) async throws
}

public struct StoredImage: Sendable, Equatable {
    public var data: Data
    public var contentType: String
    public var etag: String
    public var createdAt: Date

    public init(data: Data, contentType: String, etag: String, createdAt: Date) {
        self.data = data
        self.contentType = contentType
        self.etag = etag
        self.createdAt = createdAt
    }
}
