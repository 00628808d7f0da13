import Foundation
import MsgFlo

extension RabbitMQManagementClient {
    /// `GET /api/policies/{vhost}`.
    public func policies() async throws(ManagementError) -> [RabbitMQPolicy] {
        try await get(
            [RabbitMQPolicy].self, ["policies", endpoint.vhost],
            missing: .notFound(kind: "vhost", name: endpoint.vhost, vhost: endpoint.vhost))
    }

    /// `GET /api/policies/{vhost}/{name}`; nil when there is no such policy.
    public func policy(named name: String) async throws(ManagementError) -> RabbitMQPolicy? {
        let segments = ["policies", endpoint.vhost, name]
        let response = try await send("GET", segments)
        if response.status == 404 { return nil }
        try expect(response, [200], "GET", segments)
        return try decode(RabbitMQPolicy.self, response, segments)
    }

    /// `PUT /api/policies/{vhost}/{name}`: creates or replaces the policy.
    /// The broker checks the definition and refuses unknown keys (`.unexpectedStatus` 400 with its reason).
    public func putPolicy(_ policy: RabbitMQPolicy) async throws(ManagementError) {
        struct Body: Encodable {
            var pattern: String
            var definition: [String: JSONValue]
            var priority: Int
            var applyTo: String
            enum CodingKeys: String, CodingKey {
                case pattern, definition, priority
                case applyTo = "apply-to"
            }
        }
        let segments = ["policies", endpoint.vhost, policy.name]
        let body = Body(
            pattern: policy.pattern, definition: policy.definition,
            priority: policy.priority, applyTo: policy.applyTo.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(body)
        } catch {
            throw .invalidPolicy(name: policy.name, reason: "its definition is not JSON (\(error)); use finite numbers")
        }
        let response = try await send("PUT", segments, json: data)
        if response.status == 404 { throw .notFound(kind: "vhost", name: endpoint.vhost, vhost: endpoint.vhost) }
        try expect(response, [200, 201, 204], "PUT", segments)
    }

    /// `DELETE /api/policies/{vhost}/{name}`; false when there was no such policy.
    @discardableResult
    public func deletePolicy(named name: String) async throws(ManagementError) -> Bool {
        let segments = ["policies", endpoint.vhost, name]
        let response = try await send("DELETE", segments)
        if response.status == 404 { return false }
        try expect(response, [200, 204], "DELETE", segments)
        return true
    }
}
