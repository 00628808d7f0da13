import Foundation
import HTTPServer
import PlatformClients

/// The Heroku formation endpoints over a `LocalFormation`, so guv's HerokuClient
/// scales local processes exactly as it scales dynos:
/// GET/PATCH /apps/{app}/formation, GET/PATCH /apps/{app}/formation/{type}.
///
/// Every answer, errors included, has Heroku's shape (`FormationEntryBody`,
/// `{"id", "message"}` with Heroku's ids), since Heroku clients read nothing else.
public struct FormationRoutes: Sendable {
    public let formation: LocalFormation
    /// When set, requests must carry `Authorization: Bearer <token>`.
    public let token: String?

    public init(formation: LocalFormation, token: String? = nil) {
        self.formation = formation
        self.token = token
    }

    /// A router that serves these routes and nothing else.
    public var router: Router {
        var router = Router()
        add(to: &router)
        return router
    }

    /// Adds the formation routes, and catch-alls that answer every other
    /// request with a Heroku-shaped 404 or 405.
    public func add(to router: inout Router) {
        router.get("/apps/:app/formation") { request in
            try guarded(request) { _ in try json(formation.formation().map(body)) }
        }
        router.patch("/apps/:app/formation") { request in
            try guarded(request) { request in
                let batch: FormationBatch
                do {
                    batch = try request.decodeJSON(FormationBatch.self)
                } catch {
                    return try failure(400, "bad_request", "Expected {\"updates\":[{\"type\":..,\"quantity\":..}]}: \(error).")
                }
                return try apply(batch.updates.map { ($0.type, $0.quantity) })
            }
        }
        router.get("/apps/:app/formation/:type") { request in
            try guarded(request) { request in
                let type = request.pathParameters["type"] ?? ""
                guard let entry = formation.formation().first(where: { $0.type == type }) else {
                    return try failure(404, "not_found", "Couldn't find that formation.")
                }
                return try json(body(entry))
            }
        }
        router.patch("/apps/:app/formation/:type") { request in
            try guarded(request) { request in
                let type = request.pathParameters["type"] ?? ""
                let quantity: Int
                do {
                    quantity = try request.decodeJSON(QuantityBody.self).quantity
                } catch {
                    return try failure(400, "bad_request", "Expected {\"quantity\":N}: \(error).")
                }
                let response = try apply([(type, quantity)])
                guard response.status == .ok, let entry = formation.formation().first(where: { $0.type == type }) else {
                    return response
                }
                return try json(body(entry))
            }
        }
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            router.add(method, "/*") { request in try unmatched(request) }
        }
    }

    /// Checks the token and the app, then runs `handler`.
    private func guarded(
        _ request: HTTPRequest,
        _ handler: (HTTPRequest) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        if let failure = try refusal(request) { return failure }
        guard request.pathParameters["app"] == formation.app else {
            return try failure(404, "not_found", "Couldn't find that app.")
        }
        return try handler(request)
    }

    /// With a token, only the token counts. Without one (the server listens
    /// on loopback only), the request must also be addressed to a loopback
    /// name, so a web page elsewhere cannot reach it through DNS rebinding.
    private func refusal(_ request: HTTPRequest) throws -> HTTPResponse? {
        if let token {
            guard request.headers["Authorization"] != "Bearer \(token)" else { return nil }
            return try failure(401, "unauthorized", "Invalid credentials provided.")
        }
        guard LoopbackHost.isLocal(request.headers["Host"]) else {
            return try failure(
                403, "forbidden",
                "This formation API answers requests addressed to localhost only (Host: localhost:PORT); start it with --token to accept others.")
        }
        return nil
    }

    /// Any request no formation route took: a known path with another method is 405.
    private func unmatched(_ request: HTTPRequest) throws -> HTTPResponse {
        if let failure = try refusal(request) { return failure }
        let parts = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count == 3 || parts.count == 4, parts[0] == "apps", parts[2] == "formation" else {
            return try failure(404, "not_found", "Unknown route \(request.method) \(request.path).")
        }
        guard parts[1] == formation.app else { return try failure(404, "not_found", "Couldn't find that app.") }
        return try failure(405, "method_not_allowed", "Use GET or PATCH.")
    }

    /// All-or-nothing like Heroku: validate every update before scaling any.
    private func apply(_ updates: [(type: String, quantity: Int)]) throws -> HTTPResponse {
        for (type, quantity) in updates {
            if formation.procfile.command(for: type) == nil {
                return try failure(404, "not_found", "Couldn't find that process type (\(type)).")
            }
            if quantity < 0 { return try failure(422, "invalid_params", "Quantity must be >= 0.") }
            if let limit = formation.limit, quantity > limit {
                return try failure(422, "cannot_run_above_limit", "Cannot run more than \(limit) \(type) processes.")
            }
        }
        for (type, quantity) in updates {
            do { try formation.scale(type, to: quantity) } catch {
                return try failure(422, "invalid_params", error.description)
            }
        }
        let types = Set(updates.map(\.type))
        return try json(formation.formation().filter { types.contains($0.type) }.map(body))
    }

    private func body(_ entry: FormationEntry) -> FormationEntryBody {
        FormationEntryBody(
            app: .init(name: formation.app), command: entry.command ?? "", quantity: entry.quantity,
            size: entry.size ?? "local", type: entry.type)
    }

    private func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try HTTPResponse.json(value, status: status, encoder: encoder)
    }

    private func failure(_ status: Int, _ id: String, _ message: String) throws -> HTTPResponse {
        try json(HerokuErrorBody(id: id, message: message), status: HTTPStatus(code: status))
    }
}

/// One process type as the formation API answers it (Heroku's fields guv and
/// the Heroku CLI read).
public struct FormationEntryBody: Codable, Equatable, Sendable {
    public struct App: Codable, Equatable, Sendable { public var name: String }
    public var app: App
    public var command: String
    public var quantity: Int
    public var size: String
    public var type: String
}

/// `PATCH /apps/{app}/formation`'s body: `{"updates": [{"type", "quantity"}]}`
/// (`process` is accepted for `type`, as older Heroku clients send it).
struct FormationBatch: Decodable {
    struct Update: Decodable {
        var type: String
        var quantity: Int

        enum CodingKeys: String, CodingKey { case type, process, quantity }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let type = try c.decodeIfPresent(String.self, forKey: .type) {
                self.type = type
            } else {
                type = try c.decode(String.self, forKey: .process)
            }
            quantity = try c.decode(Int.self, forKey: .quantity)
        }
    }

    var updates: [Update]
}

/// `PATCH /apps/{app}/formation/{type}`'s body.
struct QuantityBody: Decodable {
    var quantity: Int
}
