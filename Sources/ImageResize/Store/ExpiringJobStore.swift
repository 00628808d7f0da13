import Foundation

/// A job old enough to be deleted, with the storage keys of its results.
public struct ExpiredJob: Sendable, Equatable {
    public var id: UUID
    public var storageKeys: [String]

    public init(id: UUID, storageKeys: [String]) {
        self.id = id
        self.storageKeys = storageKeys
    }
}

/// The two calls retention needs from a job store.
public protocol ExpiringJobStore: Sendable {
    /// Jobs created before `cutoff`, oldest first, at most `limit`.
    func expiredJobs(before cutoff: Date, limit: Int) async throws -> [ExpiredJob]
    /// Deletes the jobs and their images; returns how many jobs were deleted
    /// (ids already gone count for nothing, so two sweepers can overlap).
    func deleteJobs(_ ids: [UUID]) async throws -> Int
    /// Deletes at most `limit` stored results created before `cutoff` that no
    /// image points at (a store worker that died between storing the bytes
    /// and recording them, or between a job's deletion and its late results);
    /// returns how many.
    func deleteOrphanedResults(before cutoff: Date, limit: Int) async throws -> Int
}

extension ExpiringJobStore {
    /// Stores whose results live with their records have no orphans.
    public func deleteOrphanedResults(before cutoff: Date, limit: Int) async throws -> Int { 0 }
}
