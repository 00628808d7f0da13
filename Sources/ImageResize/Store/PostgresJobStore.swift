import Foundation
import MsgFlo
import Postgres

/// `JobStore` on PostgreSQL: one row per job, one per image, counters and
/// finish times on the job kept in step by `record` in one transaction.
public struct PostgresJobStore: JobStore {
    /// Channel notified with a job id when its last image finished (long-polls wait on it).
    public static let finishedChannel = "imageresize_job_finished"

    public let database: PostgresPool

    public init(database: PostgresPool) {
        self.database = database
    }

    public func create(jobID: UUID, images: [(id: UUID, spec: ImageSpec)], at date: Date) async throws {
        guard images.count > JobInsertStatement.maxImages else {
            let statement = JobInsertStatement(jobID: jobID, images: images, at: date)
            _ = try await database.execute(statement.sql, statement.parameters)
            return
        }
        // Beyond one statement's parameters: the job, then its images in chunks, in one transaction.
        _ = try await database.transaction { session in
            try await session.execute(
                "INSERT INTO jobs (id, created_at, updated_at, image_count) VALUES ($1, $2, $2, $3)",
                [.uuid(jobID), .date(date), .int(images.count)])
            var position = 0
            while position < images.count {
                let chunk = Array(images[position..<min(images.count, position + JobInsertStatement.maxImages)])
                let rows = JobInsertStatement.imageRows(jobID: jobID, images: chunk, firstPosition: position, at: date)
                try await session.execute(rows.sql, rows.parameters)
                position += chunk.count
            }
            return 0
        }
    }

    public func delete(jobID: UUID) async throws {
        try await database.execute("DELETE FROM jobs WHERE id = $1", [.uuid(jobID)], idempotent: true)
    }

    /// The job and its images in one statement, so from one snapshot: read
    /// apart, a result committed in between showed every image done but the
    /// job's finish time not yet set. (It was a REPEATABLE READ transaction of
    /// four round trips; one statement answers `GET /jobs/{id}` in one.)
    public func job(_ id: UUID) async throws -> JobRecord? {
        let rows = try await database.read(Self.jobWithImages, [.uuid(id)])
        guard let first = rows.first else { return nil }
        let images = try rows.filter { try !$0.isNull("id") }.map(Self.image)
        return try Self.job(first, images: images, columnPrefix: "job_")
    }

    public func jobs(_ query: JobQuery) async throws -> [JobRecord] {
        var conditions: [String] = []
        var parameters: [PostgresValue?] = []
        func parameter(_ value: PostgresValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let status = query.status { conditions.append(Self.condition(for: status)) }
        if let since = query.since { conditions.append("created_at >= \(parameter(.date(since)))") }
        if let before = query.before {
            conditions.append("(created_at, id) < (\(parameter(.date(before.createdAt))), \(parameter(.uuid(before.id))))")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = Self.jobColumns + whereClause + " ORDER BY created_at DESC, id DESC LIMIT \(parameter(.int(query.limit)))"
        let bound = parameters
        return try await database.snapshot { session in
            let rows = try await session.query(sql, bound, idempotent: false)
            guard !rows.isEmpty else { return [] }
            let ids = try rows.map { try $0.uuid("id") }
            let idList = ids.map { "'\($0.uuidString)'" }.joined(separator: ",") // UUIDs only: safe to inline.
            let imageRows = try await session.query(
                Self.imageColumns + " WHERE job_id IN (\(idList)) ORDER BY job_id, position", [], idempotent: false)
            var imagesByJob: [UUID: [ImageRecord]] = [:]
            for row in imageRows { imagesByJob[try row.uuid("job_id"), default: []].append(try Self.image(row)) }
            return try rows.map { row in try Self.job(row, images: imagesByJob[try row.uuid("id")] ?? []) }
        }
    }

    public func stats(window: TimeInterval, now: Date) async throws -> JobStats {
        let since = PostgresValue.date(now.addingTimeInterval(-window))
        let jobRow = try await database.read(
            """
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE \(Self.condition(for: .pending))) AS pending,
                   count(*) FILTER (WHERE \(Self.condition(for: .completed))) AS completed,
                   count(*) FILTER (WHERE \(Self.condition(for: .failed))) AS failed,
                   count(*) FILTER (WHERE \(Self.condition(for: .partial))) AS partial,
                   \(Self.percentiles("extract(epoch FROM coalesce(completed_at, failed_at) - created_at) * 1000"))
            FROM jobs WHERE created_at >= $1
            """, [since])[0]
        let imageRow = try await database.read(
            """
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE completed_at IS NULL AND failed_at IS NULL) AS pending,
                   count(*) FILTER (WHERE completed_at IS NOT NULL) AS completed,
                   count(*) FILTER (WHERE failed_at IS NOT NULL) AS failed,
                   \(Self.percentiles("extract(epoch FROM started_at - created_at) * 1000", prefix: "w_")),
                   \(Self.percentiles("extract(epoch FROM coalesce(completed_at, failed_at) - started_at) * 1000", prefix: "p_"))
            FROM images WHERE created_at >= $1
            """, [since])[0]
        func counts(_ row: PostgresRow, partial: Bool) throws -> JobStats.Counts {
            JobStats.Counts(
                total: try row.int("total"), pending: try row.int("pending"), completed: try row.int("completed"),
                failed: try row.int("failed"), partial: partial ? try row.int("partial") : 0)
        }
        func percentiles(_ row: PostgresRow, prefix: String = "") throws -> JobStats.Percentiles {
            JobStats.Percentiles(
                p50: try row.decode("\(prefix)p50"), p90: try row.decode("\(prefix)p90"),
                p95: try row.decode("\(prefix)p95"), p99: try row.decode("\(prefix)p99"),
                max: try row.decode("\(prefix)max"))
        }
        return JobStats(
            windowSeconds: window, jobs: try counts(jobRow, partial: true), images: try counts(imageRow, partial: false),
            waitingMs: try percentiles(imageRow, prefix: "w_"), processingMs: try percentiles(imageRow, prefix: "p_"),
            jobMs: try percentiles(jobRow))
    }

    public func record(_ outcome: ResizeOutcome, output: ImageOutput?) async throws -> RecordResult {
        try await database.transaction { session in
            let failed = outcome.error != nil
            let updated = try await session.query(
                """
                UPDATE images SET started_at = $2, \(failed ? "failed_at" : "completed_at") = $3,
                       out_width = $4, out_height = $5, out_bytes = $6, content_type = $7, storage_key = $8,
                       error_code = $9, error_message = $10
                WHERE id = $1 AND completed_at IS NULL AND failed_at IS NULL
                RETURNING job_id
                """,
                [
                    .uuid(outcome.imageID), .date(outcome.startedAt), .date(outcome.finishedAt),
                    output.map { .int($0.width) }, output.map { .int($0.height) }, output.map { .int($0.bytes) },
                    output.map { .string($0.contentType) }, output.map { .string($0.storageKey) },
                    outcome.error.map { .string($0.code) }, outcome.error.map { .string($0.message) },
                ])
            guard let jobID = try updated.first?.uuid("job_id") else {
                let exists = try await session.query("SELECT 1 FROM images WHERE id = $1", [.uuid(outcome.imageID)])
                return exists.isEmpty ? RecordResult.unknownImage : .duplicate
            }
            let job = try await session.query(
                """
                UPDATE jobs SET images_completed = images_completed + $2, images_failed = images_failed + $3, updated_at = $4
                WHERE id = $1 RETURNING image_count, images_completed, images_failed
                """,
                [.uuid(jobID), .int(failed ? 0 : 1), .int(failed ? 1 : 0), .date(outcome.finishedAt)])[0]
            let total = try job.int("image_count")
            let completed = try job.int("images_completed")
            let failedCount = try job.int("images_failed")
            guard completed + failedCount == total else { return .recorded(jobFinished: false) }
            let column = completed == 0 ? "failed_at" : "completed_at"
            try await session.execute("UPDATE jobs SET \(column) = $2 WHERE id = $1", [.uuid(jobID), .date(outcome.finishedAt)])
            try await session.notify(channel: Self.finishedChannel, payload: jobID.uuidString.lowercased())
            return .recorded(jobFinished: true)
        }
    }

    public func ping() async throws {
        _ = try await database.read("SELECT 1", [])
    }

    // MARK: - SQL pieces

    static let jobColumns = "SELECT id, created_at, updated_at, completed_at, failed_at FROM jobs"
    static let imageColumns = """
        SELECT id, job_id, position, url, width, height, fit, format, quality, created_at, started_at, completed_at, failed_at,
               out_width, out_height, out_bytes, content_type, storage_key, error_code, error_message FROM images
        """

    /// A job's columns (prefixed `job_`) on each of its images' rows; one row
    /// with NULL image columns for a job without images.
    static let jobWithImages = """
        SELECT i.id, i.position, i.url, i.width, i.height, i.fit, i.format, i.quality, i.created_at, i.started_at,
               i.completed_at, i.failed_at, i.out_width, i.out_height, i.out_bytes, i.content_type, i.storage_key,
               i.error_code, i.error_message,
               j.id AS job_id, j.created_at AS job_created_at, j.updated_at AS job_updated_at,
               j.completed_at AS job_completed_at, j.failed_at AS job_failed_at
        FROM jobs j LEFT JOIN images i ON i.job_id = j.id WHERE j.id = $1 ORDER BY i.position
        """

    static func condition(for status: JobStatus) -> String {
        switch status {
        case .pending: "images_completed + images_failed < image_count"
        case .completed: "images_completed = image_count"
        case .failed: "images_failed = image_count"
        case .partial: "images_completed + images_failed = image_count AND images_completed > 0 AND images_failed > 0"
        }
    }

    /// p50, p90, p95, p99 and max of `expression` as float8 columns named `prefix` + p50 ... max.
    ///
    /// `percentile_disc` is the SQL form of the project's one percentile
    /// definition, nearest rank (`Primitives.Percentiles`, `JobStats.Percentiles(of:)`):
    /// it answers a value some row really has, so `/stats` and the load test
    /// agree on the same data.
    static func percentiles(_ expression: String, prefix: String = "") -> String {
        JobStats.Percentiles.reported.map { percent in
            "percentile_disc(\(Double(percent) / 100)) WITHIN GROUP (ORDER BY \(expression))::float8 AS \(prefix)p\(percent)"
        }.joined(separator: ", ") + ", max(\(expression))::float8 AS \(prefix)max"
    }

    static func job(_ row: PostgresRow, images: [ImageRecord], columnPrefix prefix: String = "") throws -> JobRecord {
        JobRecord(
            id: try row.uuid("\(prefix)id"), createdAt: try row.date("\(prefix)created_at"),
            updatedAt: try row.date("\(prefix)updated_at"), completedAt: try row.decode("\(prefix)completed_at"),
            failedAt: try row.decode("\(prefix)failed_at"), images: images)
    }

    static func image(_ row: PostgresRow) throws -> ImageRecord {
        let spec = ImageSpec(
            url: try row.string("url"), width: try row.decode("width"), height: try row.decode("height"),
            fit: Fit(rawValue: try row.string("fit")) ?? .inside,
            format: OutputFormat(rawValue: try row.string("format")) ?? .jpeg, quality: try row.int("quality"))
        var output: ImageOutput?
        if let key: String = try row.decode("storage_key") {
            output = ImageOutput(
                width: try row.int("out_width"), height: try row.int("out_height"), bytes: try row.int("out_bytes"),
                contentType: try row.string("content_type"), storageKey: key)
        }
        var failure: ImageFailure?
        if let code: String = try row.decode("error_code") {
            failure = ImageFailure(code: code, message: try row.decode("error_message") ?? "")
        }
        return ImageRecord(
            id: try row.uuid("id"), position: try row.int("position"), spec: spec, createdAt: try row.date("created_at"),
            startedAt: try row.decode("started_at"), completedAt: try row.decode("completed_at"),
            failedAt: try row.decode("failed_at"), output: output, error: failure)
    }
}

/// Resized bytes in the `image_blobs` table.
public struct PostgresImageStorage: ImageStorage {
    public let database: any PostgresQuerying

    public init(database: any PostgresQuerying) {
        self.database = database
    }

    @discardableResult
    public func put(key: String, data: Data, contentType: String) async throws -> String {
        let etag = "\"\(key)-\(data.count)\""
        try await database.execute(
            """
            INSERT INTO image_blobs (key, content_type, etag, data) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key) DO UPDATE SET content_type = excluded.content_type, etag = excluded.etag, data = excluded.data
            """, [.string(key), .string(contentType), .string(etag), .bytes(data)], idempotent: true)
        return etag
    }

    public func get(key: String) async throws -> StoredImage? {
        guard
            let row = try await database.read(
                "SELECT content_type, etag, data, created_at FROM image_blobs WHERE key = $1", [.string(key)]
            ).first
        else { return nil }
        return StoredImage(
            data: try row.bytes("data"), contentType: try row.string("content_type"), etag: try row.string("etag"),
            createdAt: try row.date("created_at"))
    }
}

extension PostgresQuerying {
    /// A read: safe to retry once on a fresh connection when the old one dropped.
    func read(_ sql: String, _ parameters: [PostgresValue?]) async throws -> PostgresRows {
        try await query(sql, parameters, idempotent: true)
    }
}
