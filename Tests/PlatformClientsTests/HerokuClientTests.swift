import Foundation
import PlatformClients
import TestSupport
import Testing

@Suite("Heroku formation client, stubbed network", .timeLimit(.minutes(1)), .logsOnFailure)
struct HerokuClientTests {
    static let formationJSON =
        #"[{"app":{"name":"shop"},"command":"worker","quantity":2,"size":"standard-1X","type":"resize"},{"quantity":1,"type":"web"}]"#
    static let base = URL(string: "https://api.example")!

    @Test func getFormationContract() async throws {
        let stub = StubHTTPClient(status: 200, json: Self.formationJSON)
        let client = HerokuClient(baseURL: Self.base, token: "TOKEN", http: stub)
        let formation = try await client.formation(app: "shop")
        #expect(
            formation == [
                FormationEntry(type: "resize", quantity: 2, command: "worker", size: "standard-1X"),
                FormationEntry(type: "web", quantity: 1),
            ])
        #expect(
            stub.requests == [
                HTTPClientRequest(
                    method: "GET", url: URL(string: "https://api.example/apps/shop/formation")!,
                    headers: ["Accept": "application/vnd.heroku+json; version=3", "Authorization": "Bearer TOKEN"])
            ])
    }

    @Test func batchPatchContract() async throws {
        let stub = StubHTTPClient(status: 200, json: Self.formationJSON)
        let client = HerokuClient(baseURL: Self.base, token: "TOKEN", http: stub)
        _ = try await client.update(
            app: "shop", updates: [FormationUpdate(type: "resize", quantity: 3), FormationUpdate(type: "store", quantity: 1)])
        let request = try #require(stub.requests.first)
        #expect(request.method == "PATCH" && request.url.absoluteString == "https://api.example/apps/shop/formation")
        #expect(
            request.headers == [
                "Accept": "application/vnd.heroku+json; version=3", "Authorization": "Bearer TOKEN",
                "Content-Type": "application/json",
            ])
        #expect(
            request.body.map { String(decoding: $0, as: UTF8.self) }
                == #"{"updates":[{"quantity":3,"type":"resize"},{"quantity":1,"type":"store"}]}"#)
        #expect(stub.requests.count == 1)
    }

    @Test func noTokenNoAuthorizationHeader() async throws {
        let stub = StubHTTPClient(status: 200, json: "[]")
        _ = try await HerokuClient(baseURL: Self.base, token: nil, http: stub).formation(app: "local")
        #expect(stub.requests.first?.headers["Authorization"] == nil)
    }

    @Test func quantityOfAnUnlistedTypeIsZero() async throws {
        let client = HerokuClient(baseURL: Self.base, token: nil, http: StubHTTPClient(status: 200, json: Self.formationJSON))
        #expect(try await client.quantity(app: "shop", type: "resize") == 2)
        #expect(try await client.quantity(app: "shop", type: "store") == 0)
    }

    static let errorCases: [(Int, String, String, String)] = [
        (404, #"{"id":"not_found","message":"Couldn't find that app."}"#, "not_found", "Couldn't find that app."),
        (
            422, #"{"id":"cannot_run_above_limit","message":"Cannot run more than 10 Standard-1X dynos."}"#,
            "cannot_run_above_limit", "Cannot run more than 10 Standard-1X dynos."
        ),
        (502, "Bad Gateway", "http_502", "Bad Gateway"),
    ]

    @Test("errors carry Heroku's id", arguments: errorCases)
    func errors(_ status: Int, _ body: String, _ id: String, _ message: String) async throws {
        let client = HerokuClient(baseURL: Self.base, token: "T", http: StubHTTPClient(status: status, json: body))
        let error = try await #require(throws: HerokuAPIError.self) { try await client.formation(app: "nope") }
        #expect(error == HerokuAPIError(app: "nope", status: status, id: id, message: message))
        #expect(error.isAboveLimit == (status == 422))
    }
}
