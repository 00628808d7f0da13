import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to a running image-resize service over HTTP.
///
/// One long-lived URLSession for the whole run, so connections are reused
/// rather than set up per request, which would measure the client's TCP
/// handshakes instead of the service.
public struct HTTPJobClient: JobClient {
    public let baseURL: URL
    public let api: JobAPI
    /// Longest `wait` asked of `GET /jobs/{id}` (the `.jobs` dialect).
    public let longPollSeconds: Int
    /// Pause between `GET /job/{id}` polls (the `.original` dialect).
    public let pollInterval: Duration
    private let session: URLSession

    /// - Parameter maxConnections: connections per host; keep it at least the
    ///   run's in-flight cap, since each waiting job holds one for its long-poll.
    public init(
        baseURL: URL, api: JobAPI = .jobs, longPollSeconds: Int = 30, pollInterval: Duration = .milliseconds(500),
        maxConnections: Int = 512
    ) {
        self.baseURL = baseURL
        self.api = api
        self.longPollSeconds = max(1, longPollSeconds)
        self.pollInterval = pollInterval
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnections
        configuration.timeoutIntervalForRequest = TimeInterval(self.longPollSeconds + 15)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
    }

    public func submit(_ images: [ImageRequest]) async throws -> JobHandle {
        var request = URLRequest(url: baseURL.appendingPathComponent(api == .jobs ? "jobs" : "resize"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(SubmitBody(images: images))
        let (body, response) = try await send(request)
        return try JobStatusReading.jobHandle(
            statusCode: response.statusCode, body: body, location: response.value(forHTTPHeaderField: "Location"), api: api)
    }

    public func waitForCompletion(_ handle: JobHandle, timeout: Duration) async throws -> JobOutcome {
        let giveUp = ContinuousClock.now + timeout
        while true {
            let remaining = giveUp - ContinuousClock.now
            guard remaining > .zero else { throw JobClientError.timeout }
            var request = URLRequest(url: statusURL(for: handle, remaining: remaining))
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            let (body, response) = try await send(request)
            switch try JobStatusReading.interpret(statusCode: response.statusCode, body: body, api: api) {
            case .finished(let outcome):
                return outcome
            case .pending:
                if api == .original {
                    try await Task.sleep(for: min(pollInterval, max(giveUp - ContinuousClock.now, .zero)))
                }
            }
        }
    }

    private func statusURL(for handle: JobHandle, remaining: Duration) -> URL {
        switch api {
        case .original:
            return baseURL.appendingPathComponent("job").appendingPathComponent(handle.id)
        case .jobs:
            let wait = min(longPollSeconds, max(1, Int(remaining.components.seconds)))
            // The id is what the service answered: appended as a path component, it is percent-encoded.
            let job = baseURL.appendingPathComponent("jobs").appendingPathComponent(handle.id)
            guard var components = URLComponents(url: job, resolvingAgainstBaseURL: false) else { return job }
            components.queryItems = [URLQueryItem(name: "wait", value: String(wait))]
            return components.url ?? job
        }
    }

    private func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            if error.code == .timedOut { throw JobClientError.timeout }
            if error.code == .cancelled { throw CancellationError() }
            throw JobClientError.connection("\(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "?"): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw JobClientError.invalidResponse("not an HTTP response")
        }
        return (data, http)
    }

    private struct SubmitBody: Encodable {
        var images: [ImageRequest]
    }
}
