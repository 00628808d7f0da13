import Foundation
import Testing
@testable import Guv

@Suite("Heroku formation client")
struct HerokuClientTests {
    static let formationJSON = #"[{"app":{"name":"shop"},"command":"worker","quantity":2,"size":"standard-1X","type":"resize"},{"quantity":1,"type":"web"}]"#

    @Test func getFormationContract() async throws {
        let stub = try StubListener { _ in ServerResponse(status: 200, body: Data(Self.formationJSON.utf8)) }
        let client = HerokuClient(baseURL: stub.baseURL, token: "TOKEN", transport: URLSessionTransport())
        let formation = try await client.formation(app: "shop")
        #expect(formation == [FormationEntry(type: "resize", quantity: 2, command: "worker", size: "standard-1X"),
                              FormationEntry(type: "web", quantity: 1)])
        let request = try #require(stub.requests.first)
        #expect(request.requestLine == "GET /apps/shop/formation HTTP/1.1")
        #expect(request.headers["accept"] == "application/vnd.heroku+json; version=3")
        #expect(request.headers["authorization"] == "Bearer TOKEN")
        #expect(request.body.isEmpty)
    }

    @Test func batchPatchContract() async throws {
        let stub = try StubListener { _ in ServerResponse(status: 200, body: Data(Self.formationJSON.utf8)) }
        let client = HerokuClient(baseURL: stub.baseURL, token: "TOKEN", transport: URLSessionTransport())
        _ = try await client.update(app: "shop", updates: [FormationUpdate(type: "resize", quantity: 3), FormationUpdate(type: "store", quantity: 1)])
        let request = try #require(stub.requests.first)
        #expect(request.requestLine == "PATCH /apps/shop/formation HTTP/1.1")
        #expect(request.headers["accept"] == "application/vnd.heroku+json; version=3")
        #expect(request.headers["authorization"] == "Bearer TOKEN")
        #expect(request.headers["content-type"] == "application/json")
        #expect(String(decoding: request.body, as: UTF8.self)
                == #"{"updates":[{"quantity":3,"type":"resize"},{"quantity":1,"type":"store"}]}"#)
        #expect(stub.requests.count == 1)
    }

    @Test func errorsCarryHerokusId() async throws {
        let stub = try StubListener { _ in .json(404, ["id": "not_found", "message": "Couldn't find that app."]) }
        let client = HerokuClient(baseURL: stub.baseURL, token: "T", transport: URLSessionTransport())
        let error = try await #require(throws: HerokuAPIError.self) { try await client.formation(app: "nope") }
        #expect(error.status == 404 && error.id == "not_found" && error.app == "nope")
    }

    /// A plan that allows at most 3 resize dynos, answering like Heroku.
    static func planLimited(limit: Int = 3) throws -> StubListener {
        try StubListener { request in
            let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
            let updates = body?["updates"] as? [[String: Any]] ?? []
            for u in updates where (u["type"] as? String) == "resize" && (u["quantity"] as? Int ?? 0) > limit {
                return .json(422, ["id": "cannot_run_above_limit", "message": "Cannot run more than \(limit) Standard-1X dynos."])
            }
            for u in updates where (u["type"] as? String) == "ghost" {
                return .json(404, ["id": "not_found", "message": "Couldn't find that process type (ghost)."])
            }
            return .json(200, updates)
        }
    }

    @Test func aboveLimitIsClampedAndReportedOnce() async throws {
        let stub = try Self.planLimited()
        let applier = FormationApplier(api: HerokuClient(baseURL: stub.baseURL, token: "T", transport: URLSessionTransport()))
        let first = await applier.apply(app: "shop", changes: [FormationUpdate(type: "resize", quantity: 5)], current: ["resize": 2])
        #expect(first["resize"] == .clamped(requested: 5, limit: 3))
        // refused 5, then set the limit 3
        #expect(stub.requests.map { String(decoding: $0.body, as: UTF8.self) }
                == [#"{"updates":[{"quantity":5,"type":"resize"}]}"#, #"{"updates":[{"quantity":3,"type":"resize"}]}"#])
        // Next cycle asks for 6 again: capped locally, no request at all.
        #expect(await applier.capped(app: "shop", type: "resize", 6) == 3)
        let second = await applier.apply(app: "shop", changes: [FormationUpdate(type: "resize", quantity: 6)], current: ["resize": 3])
        #expect(second["resize"] == .clamped(requested: 6, limit: 3))
        #expect(stub.requests.count == 2)
    }

    @Test func anExpiredCeilingIsTriedAgain() async throws {
        let stub = try Self.planLimited()
        let applier = FormationApplier(api: HerokuClient(baseURL: stub.baseURL, token: "T", transport: URLSessionTransport()),
                                       ceilingLifetime: 0)
        _ = await applier.apply(app: "shop", changes: [FormationUpdate(type: "resize", quantity: 5)], current: ["resize": 3])
        #expect(await applier.capped(app: "shop", type: "resize", 5) == 5)
    }

    @Test func oneRefusedTypeDoesNotStopTheOthers() async throws {
        let stub = try Self.planLimited()
        let applier = FormationApplier(api: HerokuClient(baseURL: stub.baseURL, token: "T", transport: URLSessionTransport()))
        let outcomes = await applier.apply(app: "shop", changes: [
            FormationUpdate(type: "resize", quantity: 9), FormationUpdate(type: "store", quantity: 2),
            FormationUpdate(type: "ghost", quantity: 1),
        ], current: ["resize": 3, "store": 1])
        #expect(outcomes["store"] == .applied(2))
        #expect(outcomes["resize"] == .clamped(requested: 9, limit: 3))
        if case .failed(let message)? = outcomes["ghost"] { #expect(message.contains("not_found")) } else {
            Issue.record("ghost should fail: \(String(describing: outcomes["ghost"]))")
        }
    }

    static let limitMessages: [(String, Int?)] = [
        ("Cannot run more than 10 Standard-1X dynos.", 10),
        ("Cannot run more than 1 Free size dynos.", 1),
        ("Your account has reached its concurrent builds limit.", nil),
    ]

    @Test("plan limit in Heroku's message", arguments: limitMessages)
    func limitParsing(_ message: String, _ limit: Int?) {
        #expect(FormationApplier.limit(in: message) == limit)
    }
}
