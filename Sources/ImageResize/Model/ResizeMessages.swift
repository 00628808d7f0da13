import Foundation
import MsgFlo

/// web -> resize: make one image of a job. One message per image, so a job's
/// images spread over every resize worker.
public struct ResizeRequest: Codable, Sendable, Equatable {
    public var jobID: UUID
    public var imageID: UUID
    public var spec: ImageSpec
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case imageID = "image_id"
        case spec = "image"
        case createdAt = "created_at"
    }

    public init(jobID: UUID, imageID: UUID, spec: ImageSpec, createdAt: Date) {
        self.jobID = jobID
        self.imageID = imageID
        self.spec = spec
        self.createdAt = createdAt
    }
}

/// Why an image could not be made; `code` is what API clients branch on.
public struct ImageFailure: Codable, Sendable, Equatable, Error {
    /// download_failed, http_status, too_large, timeout, forbidden_address,
    /// too_many_redirects, not_an_image, too_many_pixels, decode_failed,
    /// encode_failed, internal.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// resize -> store, on `out` (result set) or `error` (failure set).
public struct ResizeOutcome: Codable, Sendable, Equatable {
    public struct Output: Codable, Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var format: OutputFormat
        /// The resized bytes, base64 in the JSON message.
        public var data: Data

        public init(width: Int, height: Int, format: OutputFormat, data: Data) {
            self.width = width
            self.height = height
            self.format = format
            self.data = data
        }
    }

    public var jobID: UUID
    public var imageID: UUID
    public var startedAt: Date
    public var finishedAt: Date
    public var result: Output?
    public var error: ImageFailure?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case imageID = "image_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case result, error
    }

    public init(jobID: UUID, imageID: UUID, startedAt: Date, finishedAt: Date, result: Output? = nil, error: ImageFailure? = nil) {
        self.jobID = jobID
        self.imageID = imageID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.result = result
        self.error = error
    }
}

extension ResizeRequest {
    /// The message, written without Codable: the web writes one per image
    /// (ids as `UUID.uuidString` gives them, as the Codable form always had).
    public var json: JSONValue {
        .object([
            "job_id": .string(jobID.uuidString), "image_id": .string(imageID.uuidString), "image": spec.json,
            "created_at": .timestamp(createdAt),
        ])
    }

    public func encoded() -> Data { json.encoded() }

    /// Codable writes `json` too, so the message has one form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    public static func decode(_ data: Data) throws -> ResizeRequest { try Timestamps.decoder.decode(Self.self, from: data) }
}

extension ResizeOutcome {
    public func encoded() -> Data { (try? Timestamps.encoder.encode(self)) ?? Data() }
    public static func decode(_ data: Data) throws -> ResizeOutcome { try Timestamps.decoder.decode(Self.self, from: data) }
}
