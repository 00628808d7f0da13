/// Where a job stands, derived from its images: never stored, so it cannot disagree with them.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    /// Some image is not finished yet.
    case pending
    /// Every image was made.
    case completed
    /// Every image failed.
    case failed
    /// All finished, some made and some failed.
    case partial

    public init(total: Int, completed: Int, failed: Int) {
        if completed + failed < total {
            self = .pending
        } else if failed == 0 {
            self = .completed
        } else if completed == 0 {
            self = .failed
        } else {
            self = .partial
        }
    }

    public var isFinished: Bool { self != .pending }
}

/// Where one image stands.
public enum ImageStatus: String, Codable, Sendable {
    case queued, completed, failed
}
