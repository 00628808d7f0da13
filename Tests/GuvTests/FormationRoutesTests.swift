import Foundation
import HTTPServer
import PlatformClients
import TestSupport
import Testing

@testable import Guv

/// The local formation's Heroku API through `Router.respond(to:)`: every
/// answer, errors included, in Heroku's shape.
@Suite("Formation routes", .timeLimit(.minutes(1)), .logsOnFailure)
struct FormationRoutesTests {
    static let procfile = try! Procfile.parse("web: sleep 1000\nworker: sleep 1000")

    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var body: String = ""
        var authorization: String?
        var status: Int
        /// Heroku's error id, or nil for a success.
        var id: String?
        var description: String { "\(method) \(path) \(body)" }
    }

    static let cases: [Case] = [
        Case(method: .get, path: "/apps/local/formation/ghost", status: 404, id: "not_found"),
        Case(method: .get, path: "/apps/other/formation", status: 404, id: "not_found"),
        Case(method: .patch, path: "/apps/other/formation/worker", body: #"{"quantity":0}"#, status: 404, id: "not_found"),
        Case(method: .patch, path: "/apps/local/formation", body: "not json", status: 400, id: "bad_request"),
        Case(method: .patch, path: "/apps/local/formation", body: #"{"updates":[{"type":"worker"}]}"#, status: 400, id: "bad_request"),
        Case(method: .patch, path: "/apps/local/formation", body: #"{"updates":[{"type":"worker","quantity":1.5}]}"#, status: 400, id: "bad_request"),
        Case(
            method: .patch, path: "/apps/local/formation", body: #"{"updates":[{"type":"worker","quantity":-1}]}"#, status: 422, id: "invalid_params"),
        Case(
            method: .patch, path: "/apps/local/formation", body: #"{"updates":[{"type":"worker","quantity":9}]}"#, status: 422,
            id: "cannot_run_above_limit"),
        // All or nothing: the known type in the batch is not scaled either.
        Case(
            method: .patch, path: "/apps/local/formation", body: #"{"updates":[{"type":"web","quantity":0},{"type":"ghost","quantity":1}]}"#,
            status: 404, id: "not_found"),
        Case(method: .patch, path: "/apps/local/formation/worker", body: #"{"quantity":"x"}"#, status: 400, id: "bad_request"),
        Case(method: .delete, path: "/apps/local/formation", status: 405, id: "method_not_allowed"),
        Case(method: .post, path: "/apps/local/formation/worker", status: 405, id: "method_not_allowed"),
        Case(method: .get, path: "/elsewhere", status: 404, id: "not_found"),
        Case(method: .get, path: "/apps/local/formation/worker/extra", status: 404, id: "not_found"),
        Case(method: .get, path: "/apps/local/formation", status: 200),
        Case(method: .get, path: "/apps/local/formation/worker", status: 200),
        Case(method: .patch, path: "/apps/local/formation", body: #"{"updates":[{"process":"worker","quantity":0}]}"#, status: 200),
        Case(method: .patch, path: "/apps/local/formation/worker", body: #"{"quantity":0}"#, status: 200),
    ]

    static func respond(_ routes: FormationRoutes, _ c: Case) async -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Host": "localhost:5005"]
        if let authorization = c.authorization { headers.add("Authorization", authorization) }
        return await routes.router.respond(to: HTTPRequest(method: c.method, target: c.path, headers: headers, body: Array(c.body.utf8)))
    }

    @Test("answers like Heroku", arguments: cases)
    func answers(_ c: Case) async throws {
        let formation = LocalFormation(procfile: Self.procfile, app: "local", limit: 4) { _ in }
        defer { formation.beginStopAll() }
        let response = await Self.respond(FormationRoutes(formation: formation), c)
        #expect(response.status.code == c.status)
        #expect(response.headers["Content-Type"] == "application/json")
        if let id = c.id {
            let error = try JSONDecoder().decode(HerokuErrorBody.self, from: Data(response.body))
            #expect(error.id == id)
            #expect(!error.message.isEmpty)
        } else {
            _ = try JSONSerialization.jsonObject(with: Data(response.body))
        }
        #expect(formation.formation().allSatisfy { $0.quantity == 0 })
    }

    @Test func entriesHaveHerokusFields() async throws {
        let formation = LocalFormation(procfile: Self.procfile, app: "local") { _ in }
        let response = await Self.respond(
            FormationRoutes(formation: formation), Case(method: .get, path: "/apps/local/formation/worker", status: 200))
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"app":{"name":"local"},"command":"sleep 1000","quantity":0,"size":"local","type":"worker"}"#)
    }

    static let tokens: [(String?, String, Int)] = [
        (nil, "/apps/local/formation", 401),
        ("Bearer guess", "/apps/local/formation", 401),
        ("secret", "/apps/local/formation", 401),
        (nil, "/elsewhere", 401),
        ("Bearer secret", "/apps/local/formation", 200),
        ("Bearer secret", "/elsewhere", 404),
    ]

    @Test("--token guards every route", arguments: tokens)
    func token(_ authorization: String?, _ path: String, _ status: Int) async throws {
        let formation = LocalFormation(procfile: Self.procfile, app: "local") { _ in }
        let response = await Self.respond(
            FormationRoutes(formation: formation, token: "secret"),
            Case(method: .get, path: path, authorization: authorization, status: status))
        #expect(response.status.code == status)
        if status == 401 {
            #expect(try JSONDecoder().decode(HerokuErrorBody.self, from: Data(response.body)).id == "unauthorized")
        }
    }

    /// Without a token the API answers requests addressed to a loopback name
    /// only: a page on another site reaching 127.0.0.1 through DNS rebinding
    /// sends its own name as Host.
    @Test(
        "without a token, only loopback Host headers",
        arguments: [
            ("localhost:5005", 200), ("127.0.0.1:5005", 200), ("[::1]:5005", 200), ("LOCALHOST", 200),
            ("evil.example:5005", 403), ("evil.example", 403), ("localhost.evil.example", 403), ("", 403), (nil, 403),
        ] as [(String?, Int)])
    func hostHeader(_ host: String?, _ status: Int) async throws {
        let formation = LocalFormation(procfile: Self.procfile, app: "local") { _ in }
        var headers: HTTPHeaders = [:]
        if let host { headers.add("Host", host) }
        let response = await FormationRoutes(formation: formation).router.respond(
            to: HTTPRequest(method: .get, target: "/apps/local/formation", headers: headers))
        #expect(response.status.code == status)
        if status == 403 {
            #expect(try JSONDecoder().decode(HerokuErrorBody.self, from: Data(response.body)).id == "forbidden")
        }
        // With a token, the token decides, whatever the Host.
        var withToken = headers
        withToken.add("Authorization", "Bearer t")
        let tokened = await FormationRoutes(formation: formation, token: "t").router.respond(
            to: HTTPRequest(method: .get, target: "/apps/local/formation", headers: withToken))
        #expect(tokened.status == .ok)
    }

    @Test(arguments: [
        ("localhost", true), ("localhost:1", true), ("127.0.0.1", true), ("127.255.0.9:80", true), ("[::1]", true), ("a.localhost", true),
        ("127.0.0.256", false), ("127.0.0", false), ("128.0.0.1", false), ("[::2]", false), ("localhost:", false),
        ("localhost:99999999", false), ("localhost:8o", false), ("[::1]x", false), ("evil.example", false), ("0.0.0.0", false),
    ])
    func loopbackHost(_ header: String, _ local: Bool) {
        #expect(LoopbackHost.isLocal(header) == local)
    }

    /// guv's own Heroku client, in-process: the request it sends is the one the routes take.
    @Test func herokuClientReadsAndScalesInProcess() async throws {
        let formation = LocalFormation(procfile: Self.procfile, app: "local") { _ in }
        defer { formation.beginStopAll() }
        let client = HerokuClient(
            baseURL: URL(string: "http://formation.test")!, token: "secret",
            http: RouterHTTPClient(FormationRoutes(formation: formation, token: "secret").router))
        #expect(try await client.formation(app: "local").map(\.type) == ["web", "worker"])
        let updated = try await client.update(app: "local", updates: [FormationUpdate(type: "worker", quantity: 1)])
        #expect(updated == [FormationEntry(type: "worker", quantity: 1, command: "sleep 1000", size: "local")])
        #expect(try await client.quantity(app: "local", type: "worker") == 1)
    }

    @Test func metricsRouteServesPrometheusText() async {
        let router = MetricsRoute.router { "guv_queue_messages{role=\"r\"} 3.0\n" }
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/metrics"))
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4")
        #expect(String(decoding: response.body, as: UTF8.self) == "guv_queue_messages{role=\"r\"} 3.0\n")
        #expect(await router.respond(to: HTTPRequest(method: .get, target: "/other")).status == .notFound)
    }
}
