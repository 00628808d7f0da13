import Foundation

/// A job as stored: its images with their timestamps, results and errors.
public struct JobRecord: Sendable, Equatable {
    public var id: UUID
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
    public var failedAt: Date?
    public var images: [ImageRecord]

    public init(id: UUID, createdAt: Date, updatedAt: Date, completedAt: Date? = nil, failedAt: Date? = nil, images: [ImageRecord]) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
        self.failedAt = failedAt
        self.images = images
    }

    public var status: JobStatus {
        JobStatus(
            total: images.count,
            completed: images.filter { $0.status == .completed }.count,
            failed: images.filter { $0.status == .failed }.count)
    }

    /// When the last image finished, if all have.
    public var finishedAt: Date? { completedAt ?? failedAt }
}

/// The stored result of one resized image.
public struct ImageOutput: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var bytes: Int
    public var contentType: String
    public var storageKey: String

    public init(width: Int, height: Int, bytes: Int, contentType: String, storageKey: String) {
        self.width = width
        self.height = height
        self.bytes = bytes
        self.contentType = contentType
        self.storageKey = storageKey
    }
}

/// One image of a job as stored.
public struct ImageRecord: Sendable, Equatable {
    public var id: UUID
    public var position: Int
    public var spec: ImageSpec
    public var createdAt: Date
    public var startedAt: Date?
    public var completedAt: Date?
    public var failedAt: Date?
    public var output: ImageOutput?
    public var error: ImageFailure?

    public init(
        id: UUID, position: Int, spec: ImageSpec, createdAt: Date, startedAt: Date? = nil, completedAt: Date? = nil,
        failedAt: Date? = nil, output: ImageOutput? = nil, error: ImageFailure? = nil
    ) {
        self.id = id
        self.position = position
        self.spec = spec
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.failedAt = failedAt
        self.output = output
        self.error = error
    }

    public var status: ImageStatus {
        if completedAt != nil { return .completed }
        if failedAt != nil { return .failed }
        return .queued
    }
}
