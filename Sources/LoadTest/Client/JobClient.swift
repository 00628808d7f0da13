/// The service under test, as the load runner sees it: submit a job, then wait
/// for it to finish. A protocol so that the runner is tested with an in-memory
/// fake and drives the real service through `HTTPJobClient`.
public protocol JobClient: Sendable {
    /// Submits one job; returns once the service has accepted it.
    func submit(_ images: [ImageRequest]) async throws -> JobHandle
    /// Waits until the job has finished (all images completed or failed), or
    /// throws `JobClientError.timeout` once `timeout` has passed.
    func waitForCompletion(_ handle: JobHandle, timeout: Duration) async throws -> JobOutcome
}

/// What the service gave back for an accepted job.
public struct JobHandle: Sendable, Hashable, Codable {
    /// The job id, as the service names it.
    public var id: String
    /// Where to ask about the job (the Location header), when the service says.
    public var location: String?

    public init(id: String, location: String? = nil) {
        self.id = id
        self.location = location
    }
}

/// How a finished job ended.
public enum JobOutcome: Sendable, Hashable {
    case completed
    /// At least one image failed; the message is the service's first error.
    case failed(message: String)
}

/// Errors a `JobClient` throws, each mapping to one error kind in the results.
public enum JobClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The service answered with an unexpected HTTP status.
    case httpStatus(Int, body: String)
    /// The job did not finish within the timeout.
    case timeout
    /// The connection failed (refused, reset, DNS, TLS...).
    case connection(String)
    /// The service answered something the client could not read.
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .httpStatus(let code, let body):
            return "the service answered HTTP \(code)" + (body.isEmpty ? "" : ": \(body.prefix(200))")
        case .timeout:
            return "the job did not finish within the timeout; raise the job timeout or lower the load"
        case .connection(let message):
            return "connection to the service failed: \(message); check that it runs and the URL is right"
        case .invalidResponse(let message):
            return "the service answered something unreadable: \(message)"
        }
    }
}
