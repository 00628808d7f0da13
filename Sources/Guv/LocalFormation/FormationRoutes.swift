import Foundation

/// The Heroku formation endpoints over a `LocalFormation`, so guv's HerokuClient
/// scales local processes exactly as it scales dynos:
/// GET/PATCH /apps/{app}/formation, GET/PATCH /apps/{app}/formation/{type}.
public struct FormationRoutes: Sendable {
    public let formation: LocalFormation
    /// When set, requests must carry `Authorization: Bearer <token>`.
    public let token: String?

    public init(formation: LocalFormation, token: String? = nil) {
        self.formation = formation
        self.token = token
    }

    /// Answer one request with Heroku-shaped JSON bodies and error ids.
    public func handle(_ request: ServerRequest) -> ServerResponse {
        if let token, request.headers["authorization"] != "Bearer \(token)" {
            return error(401, "unauthorized", "Invalid credentials provided.")
        }
        let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count >= 3, parts[0] == "apps", parts[2] == "formation", parts.count <= 4 else {
            return error(404, "not_found", "Unknown route \(request.method) \(path).")
        }
        guard parts[1] == formation.app else {
            return error(404, "not_found", "Couldn't find that app.")
        }
        let type = parts.count == 4 ? parts[3] : nil
        switch (request.method, type) {
        case ("GET", nil):
            return .json(200, formation.formation().map(json))
        case ("GET", let type?):
            guard let entry = formation.formation().first(where: { $0.type == type }) else {
                return error(404, "not_found", "Couldn't find that formation.")
            }
            return .json(200, json(entry))
        case ("PATCH", nil):
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
                  let updates = body["updates"] as? [[String: Any]] else {
                return error(400, "bad_request", "Expected {\"updates\":[{\"type\":..,\"quantity\":..}]}.")
            }
            var parsed: [(String, Int)] = []
            for update in updates {
                guard let type = (update["type"] ?? update["process"]) as? String, let quantity = update["quantity"] as? Int else {
                    return error(400, "bad_request", "Each update needs a string type and an integer quantity.")
                }
                parsed.append((type, quantity))
            }
            return apply(parsed)
        case ("PATCH", let type?):
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
                  let quantity = body["quantity"] as? Int else {
                return error(400, "bad_request", "Expected {\"quantity\":N}.")
            }
            let response = apply([(type, quantity)])
            guard response.status == 200 else { return response }
            return .json(200, formation.formation().first { $0.type == type }.map(json) ?? [:])
        default:
            return error(405, "method_not_allowed", "Use GET or PATCH.")
        }
    }

    /// All-or-nothing like Heroku: validate every update before scaling any.
    private func apply(_ updates: [(String, Int)]) -> ServerResponse {
        for (type, quantity) in updates {
            if formation.procfile.command(for: type) == nil {
                return error(404, "not_found", "Couldn't find that process type (\(type)).")
            }
            if quantity < 0 { return error(422, "invalid_params", "Quantity must be >= 0.") }
            if let limit = formation.limit, quantity > limit {
                return error(422, "cannot_run_above_limit", "Cannot run more than \(limit) \(type) processes.")
            }
        }
        for (type, quantity) in updates {
            do { try formation.scale(type, to: quantity) } catch {
                return self.error(422, "invalid_params", error.description)
            }
        }
        let types = Set(updates.map(\.0))
        return .json(200, formation.formation().filter { types.contains($0.type) }.map(json))
    }

    private func json(_ e: FormationEntry) -> [String: Any] {
        ["type": e.type, "quantity": e.quantity, "command": e.command ?? "", "size": e.size ?? "local",
         "app": ["name": formation.app]]
    }

    private func error(_ status: Int, _ id: String, _ message: String) -> ServerResponse {
        .json(status, ["id": id, "message": message])
    }
}
