import Foundation

/// The Heroku Platform API formation endpoints (version 3).
///
/// The base URL is configurable (HEROKU_API_URL) so the same client drives the
/// local formation (`guv formation`) in development.
public struct HerokuClient: FormationAPI {
    public static let defaultBaseURL = URL(string: "https://api.heroku.com")!
    public var baseURL: URL
    public var token: String?
    public var http: any HTTPClient

    public init(baseURL: URL = HerokuClient.defaultBaseURL, token: String?, http: any HTTPClient = URLSessionHTTPClient()) {
        self.baseURL = baseURL
        self.token = token
        self.http = http
    }

    /// `GET /apps/{app}/formation`: the quantity of every process type.
    public func formation(app: String) async throws -> [FormationEntry] {
        try await send("GET", app: app, body: nil)
    }

    /// The quantity of one process type; 0 when the formation does not list it
    /// (Heroku omits types that were never scaled).
    public func quantity(app: String, type: String) async throws -> Int {
        try await formation(app: app).first { $0.type == type }?.quantity ?? 0
    }

    /// `PATCH /apps/{app}/formation` with all updates in one batch (all or nothing at Heroku).
    public func update(app: String, updates: [FormationUpdate]) async throws -> [FormationEntry] {
        struct Batch: Encodable { var updates: [FormationUpdate] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try await send("PATCH", app: app, body: try encoder.encode(Batch(updates: updates)))
    }

    /// The exact request the client sends; public so contract tests can pin it.
    public func request(_ method: String, app: String, body: Data?) -> HTTPClientRequest {
        var headers = ["Accept": "application/vnd.heroku+json; version=3"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if body != nil { headers["Content-Type"] = "application/json" }
        let url = baseURL.appendingPathComponent("apps").appendingPathComponent(app).appendingPathComponent("formation")
        return HTTPClientRequest(method: method, url: url, headers: headers, body: body)
    }

    private func send(_ method: String, app: String, body: Data?) async throws -> [FormationEntry] {
        let response = try await http.send(request(method, app: app, body: body))
        guard (200..<300).contains(response.status) else {
            struct Failure: Decodable {
                var id: String?
                var message: String?
            }
            let error = try? JSONDecoder().decode(Failure.self, from: response.body)
            throw HerokuAPIError(
                app: app, status: response.status, id: error?.id ?? "http_\(response.status)",
                message: error?.message ?? response.bodyExcerpt(limit: 500))
        }
        return try JSONDecoder().decode([FormationEntry].self, from: response.body)
    }
}
