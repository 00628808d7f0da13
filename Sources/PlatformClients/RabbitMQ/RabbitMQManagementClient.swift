import Foundation

/// The RabbitMQ management HTTP API, for what AMQP cannot tell or set: queue
/// statistics (guv, the demo page, the load test), bindings and policies (the
/// runtime and `msgflo setup`).
///
/// Every call is in the endpoint's virtual host. Failures are `ManagementError`s
/// that say what to fix: unreachable, refused credentials, a missing queue.
public struct RabbitMQManagementClient: Sendable {
    public let endpoint: ManagementEndpoint
    public let http: any HTTPClient

    public init(endpoint: ManagementEndpoint, http: any HTTPClient = URLSessionHTTPClient()) {
        self.endpoint = endpoint
        self.http = http
    }

    /// Any management call, for endpoints this client has no method for:
    /// `segments` are the path below `/api/`, unencoded. Returns every status
    /// but 401/403 (thrown as `.unauthorized`); throws `.unreachable` when no
    /// answer came.
    public func send(_ method: String, _ segments: [String], json body: Data? = nil) async throws(ManagementError) -> HTTPClientResponse {
        let url = endpoint.url(segments)
        var headers = ["Authorization": endpoint.authorization, "Accept": "application/json"]
        if body != nil { headers["Content-Type"] = "application/json" }
        let response: HTTPClientResponse
        do {
            response = try await http.send(HTTPClientRequest(method: method, url: url, headers: headers, body: body))
        } catch {
            throw .unreachable(url: endpoint.apiURL.absoluteString, reason: error.reason)
        }
        if response.status == 401 || response.status == 403 {
            throw .unauthorized(url: endpoint.apiURL.absoluteString, user: endpoint.username, status: response.status)
        }
        return response
    }

    /// GET and decode; a 404 becomes `missing` (nil: `.unexpectedStatus`).
    func get<T: Decodable>(_ type: T.Type, _ segments: [String], missing: ManagementError?) async throws(ManagementError) -> T {
        let response = try await send("GET", segments)
        if response.status == 404, let missing { throw missing }
        try expect(response, [200], "GET", segments)
        return try decode(T.self, response, segments)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse, _ segments: [String]) throws(ManagementError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw .undecodable(url: endpoint.url(segments).absoluteString, reason: Self.describe(error, body: response))
        }
    }

    func expect(_ response: HTTPClientResponse, _ statuses: Set<Int>, _ method: String, _ segments: [String]) throws(ManagementError) {
        guard statuses.contains(response.status) else {
            throw .unexpectedStatus(
                method: method, url: endpoint.url(segments).absoluteString, status: response.status,
                reason: Self.reason(of: response))
        }
    }

    /// RabbitMQ's `{"error": ..., "reason": ...}`, else the start of the body.
    static func reason(of response: HTTPClientResponse) -> String {
        struct Failure: Decodable {
            var error: String?
            var reason: String?
        }
        if let failure = try? JSONDecoder().decode(Failure.self, from: response.body) {
            return [failure.error, failure.reason].compactMap { $0 }.joined(separator: ": ")
        }
        return response.bodyExcerpt()
    }

    static func describe(_ error: any Error, body: HTTPClientResponse) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "no '\(key.stringValue)' field in \(body.bodyExcerpt(limit: 80))"
        case .typeMismatch(let type, let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "'\(path.isEmpty ? "top level" : path)' is not \(type)"
        default: return "not JSON: \(body.bodyExcerpt(limit: 80))"
        }
    }
}
