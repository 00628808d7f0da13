import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads one queue's figures from the RabbitMQ management HTTP API, for the
/// demo page's live worker count and the load test's samples.
public struct RabbitManagementClient: Sendable {
    public let baseURL: URL
    public let vhost: String
    private let authorization: String?
    private let session: URLSession

    /// - Parameter url: the management API, credentials in the URL
    ///   (`http://guest:guest@localhost:15672`).
    public init(url: URL, vhost: String = "/", timeout: TimeInterval = 2) {
        let (plain, authorization) = DemoStats.splitCredentials(url)
        self.baseURL = plain
        self.vhost = vhost
        self.authorization = authorization
        self.session = DemoHTTP.session(timeout: timeout)
    }

    public func queue(_ name: String) async throws -> QueueFigures {
        let url = try DemoHTTP.url(baseURL, DemoStats.queuePath(vhost: vhost, queue: name))
        let data = try await DemoHTTP.get(url, session: session, headers: authorization.map { ["Authorization": $0] } ?? [:],
                                          what: "the RabbitMQ management API")
        return try DemoStats.queueFigures(from: data)
    }
}

/// Reads a process type's quantity from a Heroku-style formation API (Heroku
/// itself, or `guv formation` serving a local Procfile).
public struct FormationClient: Sendable {
    public let baseURL: URL
    public let app: String
    private let token: String?
    private let session: URLSession

    public init(url: URL, app: String, token: String? = nil, timeout: TimeInterval = 2) {
        self.baseURL = url
        self.app = app
        self.token = token
        self.session = DemoHTTP.session(timeout: timeout)
    }

    public func quantity(of type: String) async throws -> Int {
        let url = try DemoHTTP.url(baseURL, "/apps/\(DemoStats.pathSegment(app))/formation")
        var headers = ["Accept": "application/vnd.heroku+json; version=3"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let data = try await DemoHTTP.get(url, session: session, headers: headers, what: "the formation API")
        return try DemoStats.formationQuantity(from: data, type: type)
    }
}

enum DemoHTTP {
    /// `base` + `path`, or an error naming both: the base comes from the
    /// environment or the command line, so a URL that does not parse must
    /// not crash the process.
    static func url(_ base: URL, _ path: String) throws(DemoStatsError) -> URL {
        guard let url = URL(string: base.absoluteString.trimmingSuffix("/") + path) else {
            throw DemoStatsError("\(base.absoluteString) + \(path) is not a URL; check the management or formation URL")
        }
        return url
    }

    static func session(timeout: TimeInterval) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 2
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }

    static func get(_ url: URL, session: URLSession, headers: [String: String], what: String) async throws -> Data {
        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw DemoStatsError("\(what) at \(url.absoluteString) is unreachable: \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            let code = (response as? HTTPURLResponse)?.statusCode ?? 0
            throw DemoStatsError("\(what) answered HTTP \(code) for \(url.absoluteString)")
        }
        return data
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
