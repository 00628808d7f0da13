import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `HTTPClient` on Foundation's URLSession (libcurl on Linux, on URLSession's
/// own threads, never the cooperative pool). One session per client, so
/// connections are reused across polls; no cookies, no cache, no stored
/// credentials.
///
/// Credentials in a URL are not sent by URLSession on Linux: callers put them
/// in an `Authorization` header. A 401 that asks for credentials
/// (`WWW-Authenticate`, as RabbitMQ's does) comes back as a 401 response
/// (without its body) instead of an authentication round: swift-corelibs-foundation
/// before the fix of its issue #5456 would otherwise wait forever.
public final class URLSessionHTTPClient: HTTPClient {
    private let session: URLSession
    private let challenges = AuthenticationChallenges()

    /// - Parameter timeout: seconds a request may wait for data before it fails.
    public init(timeout: TimeInterval = 15) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 2
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.urlCredentialStorage = nil
        session = URLSession(configuration: configuration, delegate: challenges, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let url = Self.redacted(request.url)
        let (session, challenges) = (self.session, self.challenges)
        let running = RunningTask()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    continuation.resume(returning: Self.result(data: data, response: response, error: error, url: url))
                }
                challenges.watch(task.taskIdentifier)
                running.start(task)
            }
        } onCancel: {
            running.cancel()
        }
        // A refused authentication challenge ends the task with an error; the
        // answer the caller wants is the 401 that started it.
        if let refused = running.identifier.flatMap(challenges.finish), case .failure = result {
            return refused
        }
        return try result.get()
    }

    static func result(
        data: Data?, response: URLResponse?, error: (any Error)?,
        url: String
    ) -> Result<HTTPClientResponse, HTTPClientError> {
        if let error { return .failure(HTTPClientError(url: url, reason: error.localizedDescription)) }
        guard let http = response as? HTTPURLResponse else {
            return .failure(HTTPClientError(url: url, reason: "the answer was not HTTP"))
        }
        return .success(HTTPClientResponse(status: http.statusCode, headers: headers(of: http), body: data ?? Data()))
    }

    static func headers(of response: HTTPURLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return headers
    }

    /// The URL without user and password, for messages.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), components.user != nil else {
            return url.absoluteString
        }
        components.user = nil
        components.password = nil
        return components.string ?? url.absoluteString
    }
}

/// The session's delegate: refuses every authentication challenge and keeps
/// the 401 that carried it for `send` to return.
private final class AuthenticationChallenges: NSObject, URLSessionTaskDelegate, Sendable {
    private let refused = Mutex<[Int: HTTPClientResponse?]>([:])

    func watch(_ task: Int) {
        refused.withLock { $0[task] = .some(nil) }
    }

    /// The refused 401 of a finished task, if any; forgets the task.
    func finish(_ task: Int) -> HTTPClientResponse? {
        refused.withLock { $0.removeValue(forKey: task) ?? nil }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        if let response = challenge.failureResponse as? HTTPURLResponse {
            let answer = HTTPClientResponse(status: response.statusCode, headers: URLSessionHTTPClient.headers(of: response))
            let id = task.taskIdentifier
            refused.withLock { if $0[id] != nil { $0[id] = .some(answer) } }
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }
}

/// The data task of one `send`, so Swift task cancellation can cancel it.
private final class RunningTask: Sendable {
    private let state = Mutex<(task: URLSessionDataTask?, cancelled: Bool)>((nil, false))

    var identifier: Int? { state.withLock { $0.task?.taskIdentifier } }

    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        task.resume()
        if cancelled { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
