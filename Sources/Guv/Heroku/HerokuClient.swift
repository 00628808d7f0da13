import Foundation

/// The Heroku Platform API formation endpoints (version 3).
///
/// The base URL is configurable (HEROKU_API_URL) so the same client drives the
/// local formation (`guv formation`) in development.
public struct HerokuClient: FormationAPI {
    public static let defaultBaseURL = URL(string: "https://api.heroku.com")!
    public var baseURL: URL
    public var token: String?
    public var transport: any HTTPTransport

    public init(baseURL: URL = HerokuClient.defaultBaseURL, token: String?, transport: any HTTPTransport) {
        self.baseURL = baseURL
        self.token = token
        self.transport = transport
    }

    /// `GET /apps/{app}/formation`: the quantity of every process type.
    public func formation(app: String) async throws -> [FormationEntry] {
        try await send("GET", app: app, body: nil)
    }

    /// `PATCH /apps/{app}/formation` with all updates in one batch (all or nothing at Heroku).
    public func update(app: String, updates: [FormationUpdate]) async throws -> [FormationEntry] {
        struct Batch: Encodable { var updates: [FormationUpdate] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try await send("PATCH", app: app, body: try encoder.encode(Batch(updates: updates)))
    }

    /// The exact request the client sends; public so contract tests can pin it.
    public func request(_ method: String, app: String, body: Data?) -> HTTPRequest {
        var headers = ["Accept": "application/vnd.heroku+json; version=3"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if body != nil { headers["Content-Type"] = "application/json" }
        let url = baseURL.appendingPathComponent("apps").appendingPathComponent(app).appendingPathComponent("formation")
        return HTTPRequest(method: method, url: url, headers: headers, body: body)
    }

    private func send(_ method: String, app: String, body: Data?) async throws -> [FormationEntry] {
        let response = try await transport.send(request(method, app: app, body: body))
        guard (200..<300).contains(response.status) else {
            let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
            throw HerokuAPIError(app: app, status: response.status,
                                 id: object?["id"] as? String ?? "http_\(response.status)",
                                 message: object?["message"] as? String ?? String(decoding: response.body, as: UTF8.self))
        }
        return try JSONDecoder().decode([FormationEntry].self, from: response.body)
    }
}
