import Foundation
import HTTPServer
import PlatformClients
import TestSupport
import Testing

@testable import Guv

@Suite("Formation applier", .timeLimit(.minutes(1)), .logsOnFailure)
struct FormationApplierTests {
    /// A plan that allows at most `limit` resize dynos, answering like Heroku.
    static func planLimited(limit: Int = 3) -> RouterHTTPClient {
        struct Batch: Decodable { var updates: [FormationUpdate] }
        var router = Router()
        router.patch("/apps/:app/formation") { request in
            let updates = (try? request.decodeJSON(Batch.self).updates) ?? []
            if updates.contains(where: { $0.type == "resize" && $0.quantity > limit }) {
                return try .json(
                    HerokuErrorBody(id: "cannot_run_above_limit", message: "Cannot run more than \(limit) Standard-1X dynos."),
                    status: .unprocessableContent)
            }
            if updates.contains(where: { $0.type == "ghost" }) {
                return try .json(HerokuErrorBody(id: "not_found", message: "Couldn't find that process type (ghost)."), status: .notFound)
            }
            return try .json(updates.map { FormationEntry(type: $0.type, quantity: $0.quantity) })
        }
        return RouterHTTPClient(router)
    }

    static func applier(_ http: RouterHTTPClient, ceilingLifetime: TimeInterval = 3600) -> FormationApplier {
        FormationApplier(
            api: HerokuClient(baseURL: URL(string: "https://api.heroku.test")!, token: "T", http: http),
            ceilingLifetime: ceilingLifetime)
    }

    @Test func aboveLimitIsClampedAndReportedOnce() async throws {
        let http = Self.planLimited()
        let applier = Self.applier(http)
        let first = await applier.apply(app: "shop", changes: [FormationUpdate(type: "resize", quantity: 5)], current: ["resize": 2])
        #expect(first["resize"] == .clamped(requested: 5, limit: 3))
        // refused 5, then set the limit 3
        #expect(http.bodies == [#"{"updates":[{"quantity":5,"type":"resize"}]}"#, #"{"updates":[{"quantity":3,"type":"resize"}]}"#])
        // Next cycle asks for 6 again: capped locally, no request at all.
        #expect(await applier.capped(app: "shop", type: "resize", 6) == 3)
        let second = await applier.apply(app: "shop", changes: [FormationUpdate(type: "resize", quantity: 6)], current: ["resize": 3])
        #expect(second["resize"] == .clamped(requested: 6, limit: 3))
        #expect(http.requests.count == 2)
    }

    @Test func anExpiredCeilingIsTriedAgain() async throws {
        let applier = Self.applier(Self.planLimited(), ceilingLifetime: 0)
        _ = await applier.apply(app: "shop", changes: [FormationUpdate(type: "resize", quantity: 5)], current: ["resize": 3])
        #expect(await applier.capped(app: "shop", type: "resize", 5) == 5)
    }

    @Test func oneRefusedTypeDoesNotStopTheOthers() async throws {
        let applier = Self.applier(Self.planLimited())
        let outcomes = await applier.apply(
            app: "shop",
            changes: [
                FormationUpdate(type: "resize", quantity: 9), FormationUpdate(type: "store", quantity: 2),
                FormationUpdate(type: "ghost", quantity: 1),
            ], current: ["resize": 3, "store": 1])
        #expect(outcomes["store"] == .applied(2))
        #expect(outcomes["resize"] == .clamped(requested: 9, limit: 3))
        if case .failed(let message)? = outcomes["ghost"] {
            #expect(message.contains("not_found"))
        } else {
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

    /// guv's view of a management API queue object.
    @Test func queueStatsBecomeAnObservation() {
        let stats = QueueStats(
            name: "resize.IN", messages: 42, ready: 40, unacknowledged: 2, consumers: 1,
            publishRate: 12.5, ackRate: 10, deliverRate: 11)
        #expect(
            QueueObservation(stats)
                == QueueObservation(
                    messages: 42, ready: 40, unacknowledged: 2, consumers: 1,
                    publishRate: 12.5, ackRate: 10))
    }
}
