import Foundation

@testable import ImageResize

/// Resized bytes in memory, with an ETag per stored version.
actor InMemoryImageStorage: ImageStorage {
    private var images: [String: StoredImage] = [:]

    @discardableResult
    func put(key: String, data: Data, contentType: String) -> String {
        let etag = "\"\(key.prefix(8))-\(data.count)\""
        images[key] = StoredImage(data: data, contentType: contentType, etag: etag, createdAt: Date())
        return etag
    }

    func get(key: String) -> StoredImage? { images[key] }

    func remove(key: String) { images[key] = nil }

    /// When true `delete` throws, as a storage outage would.
    var failingDeletes = false

    func setFailingDeletes(_ failing: Bool) { failingDeletes = failing }

    func delete(keys: [String]) throws {
        if failingDeletes { throw InMemoryJobStore.Unreachable() }
        for key in keys { images[key] = nil }
    }

    var keys: Set<String> { Set(images.keys) }
}

/// A `JobPublisher` that records what it was asked to publish, or fails the
/// way a broker does: refusing at once, or never answering.
actor RecordingPublisher: JobPublisher {
    enum Mode: Sendable {
        case confirm
        case refuse
        /// Never returns (until cancelled): the web API's publish deadline must answer.
        case hang
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String { "the broker refused the message (test)" }
    }

    private(set) var published: [ResizeRequest] = []
    var mode: Mode = .confirm

    func setMode(_ mode: Mode) { self.mode = mode }

    func publish(_ requests: [ResizeRequest]) async throws {
        switch mode {
        case .confirm: published += requests
        case .refuse: throw Refused()
        case .hang: try await Task.sleep(for: .seconds(3600))
        }
    }

    func ping() throws {
        if mode != .confirm { throw Refused() }
    }
}
