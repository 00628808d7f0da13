import Foundation

/// Why a job did not complete, grouped so that a run's errors can be counted:
/// `http_503` tells a different story (overload) from `timeout` (slow) or
/// `connection` (down).
public enum ErrorKind: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    case httpStatus(Int)
    case timeout
    case connection
    case jobFailed
    case invalidResponse
    /// Not sent: the client machine's cap on jobs in flight was reached.
    case inFlightCap
    /// The run was stopped (Ctrl-C) while the job was in flight.
    case cancelled

    public var description: String {
        switch self {
        case .httpStatus(let code): return "http_\(code)"
        case .timeout: return "timeout"
        case .connection: return "connection"
        case .jobFailed: return "job_failed"
        case .invalidResponse: return "invalid_response"
        case .inFlightCap: return "in_flight_cap"
        case .cancelled: return "cancelled"
        }
    }

    public init?(label: String) {
        switch label {
        case "timeout": self = .timeout
        case "connection": self = .connection
        case "job_failed": self = .jobFailed
        case "invalid_response": self = .invalidResponse
        case "in_flight_cap": self = .inFlightCap
        case "cancelled": self = .cancelled
        default:
            guard label.hasPrefix("http_"), let code = Int(label.dropFirst(5)) else { return nil }
            self = .httpStatus(code)
        }
    }

    /// Classifies anything a client threw.
    public init(classifying error: any Error) {
        switch error {
        case let error as JobClientError:
            switch error {
            case .httpStatus(let code, _): self = .httpStatus(code)
            case .timeout: self = .timeout
            case .connection: self = .connection
            case .invalidResponse: self = .invalidResponse
            }
        case let error as URLError where error.code == .timedOut:
            self = .timeout
        case is URLError:
            self = .connection
        default:
            self = .connection
        }
    }

    public init(from decoder: any Decoder) throws {
        let label = try decoder.singleValueContainer().decode(String.self)
        guard let kind = ErrorKind(label: label) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown error kind '\(label)'"))
        }
        self = kind
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (a: ErrorKind, b: ErrorKind) -> Bool { a.description < b.description }
}

/// How one job of a load run ended, as the client saw it (not the service's
/// `JobStatus`, which is where a stored job stands).
public enum LoadJobStatus: String, Sendable, Hashable, Codable {
    case completed
    case failed
    /// Never sent: the in-flight cap was reached at its arrival time.
    case skipped
}

/// The timings of one job of a load run, the unit of a run's results and of its
/// JSON file (not the service's `JobRecord`, a job as stored).
/// Times are seconds after the start of the run.
public struct LoadJobRecord: Sendable, Hashable, Codable {
    /// The job's place in the arrival sequence, from 0.
    public var index: Int
    /// The arrival time the profile asked for.
    public var scheduledAt: Double
    /// When the submission started (late against `scheduledAt` if the client lagged).
    public var submittedAt: Double
    /// When the job was seen finished, or failed; nil if skipped.
    public var completedAt: Double?
    public var status: LoadJobStatus
    public var errorKind: ErrorKind?
    public var errorMessage: String?
    public var jobID: String?
    public var images: [String]

    public init(
        index: Int, scheduledAt: Double, submittedAt: Double, completedAt: Double?, status: LoadJobStatus,
        errorKind: ErrorKind? = nil, errorMessage: String? = nil, jobID: String? = nil, images: [String]
    ) {
        self.index = index
        self.scheduledAt = scheduledAt
        self.submittedAt = submittedAt
        self.completedAt = completedAt
        self.status = status
        self.errorKind = errorKind
        self.errorMessage = errorMessage
        self.jobID = jobID
        self.images = images
    }

    /// End-to-end time from submission to completion (or to the error), seconds.
    public var latency: Double? {
        completedAt.map { $0 - submittedAt }
    }

    enum CodingKeys: String, CodingKey {
        case index
        case scheduledAt = "scheduled_at"
        case submittedAt = "submitted_at"
        case completedAt = "completed_at"
        case latency
        case status
        case errorKind = "error_kind"
        case errorMessage = "error_message"
        case jobID = "job_id"
        case images
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        scheduledAt = try c.decode(Double.self, forKey: .scheduledAt)
        submittedAt = try c.decode(Double.self, forKey: .submittedAt)
        completedAt = try c.decodeIfPresent(Double.self, forKey: .completedAt)
        status = try c.decode(LoadJobStatus.self, forKey: .status)
        errorKind = try c.decodeIfPresent(ErrorKind.self, forKey: .errorKind)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
        jobID = try c.decodeIfPresent(String.self, forKey: .jobID)
        images = try c.decode([String].self, forKey: .images)
    }

    /// Writes `latency` too, derived, so the file reads without arithmetic.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(scheduledAt, forKey: .scheduledAt)
        try c.encode(submittedAt, forKey: .submittedAt)
        try c.encode(completedAt, forKey: .completedAt)
        try c.encode(latency, forKey: .latency)
        try c.encode(status, forKey: .status)
        try c.encode(errorKind, forKey: .errorKind)
        try c.encode(errorMessage, forKey: .errorMessage)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(images, forKey: .images)
    }
}
