import Foundation
import Postgres

/// A new job and its images as one SQL statement: a data-modifying CTE
/// inserts the job, the main statement its images in one multi-row VALUES.
/// One round trip, atomic without BEGIN/COMMIT: under a flood, a POST spent
/// most of its time on one INSERT per image inside a transaction.
struct JobInsertStatement: Equatable {
    var sql: String
    var parameters: [PostgresValue?]

    /// Parameters per image row (id, position, url, width, height, fit, format, quality).
    static let perImage = 8
    /// Most images in one statement (PostgreSQL takes at most 65,535 parameters);
    /// larger jobs go in chunks of `imageRows` inside a transaction.
    static let maxImages = 1_000

    private static let jobInsert = "INSERT INTO jobs (id, created_at, updated_at, image_count) VALUES ($1, $2, $2, $3)"
    private static let imageInsert = "INSERT INTO images (id, position, url, width, height, fit, format, quality, job_id, created_at)"

    /// The job and all its images (at most `maxImages`).
    init(jobID: UUID, images: [(id: UUID, spec: ImageSpec)], at date: Date) {
        var parameters: [PostgresValue?] = [.uuid(jobID), .date(date), .int(images.count)]
        let values = Self.values(images, firstPosition: 0, into: &parameters)
        sql = images.isEmpty ? Self.jobInsert : "WITH job AS (\(Self.jobInsert))\n\(Self.imageInsert)\nVALUES \(values)"
        self.parameters = parameters
    }

    private init(sql: String, parameters: [PostgresValue?]) {
        self.sql = sql
        self.parameters = parameters
    }

    /// Images of an already inserted job, positions from `firstPosition`.
    static func imageRows(jobID: UUID, images: [(id: UUID, spec: ImageSpec)], firstPosition: Int, at date: Date) -> JobInsertStatement {
        var parameters: [PostgresValue?] = [.uuid(jobID), .date(date)]
        let values = values(images, firstPosition: firstPosition, into: &parameters)
        return JobInsertStatement(sql: "\(imageInsert)\nVALUES \(values)", parameters: parameters)
    }

    /// `($n, ..., $1, $2), ...`: each row's own parameters, then the job id ($1) and date ($2).
    private static func values(_ images: [(id: UUID, spec: ImageSpec)], firstPosition: Int, into parameters: inout [PostgresValue?]) -> String {
        var rows: [String] = []
        rows.reserveCapacity(images.count)
        for (offset, image) in images.enumerated() {
            let first = parameters.count + 1
            rows.append("(" + (first..<(first + perImage)).map { "$\($0)" }.joined(separator: ", ") + ", $1, $2)")
            let spec = image.spec
            parameters += [
                .uuid(image.id), .int(firstPosition + offset), .string(spec.url), spec.width.map { .int($0) },
                spec.height.map { .int($0) }, .string(spec.fit.rawValue), .string(spec.format.rawValue), .int(spec.quality),
            ]
        }
        return rows.joined(separator: ", ")
    }
}
