import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import ImageResize

/// `POST /jobs` and the original `POST /resize`: what is accepted, what is
/// refused with which code, and that a refused job leaves nothing behind.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct WebAPISubmissionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var headers: HTTPHeaders = WebAPIHarness.json
        var body: String = WebAPIHarness.jobBody()
        var token: String?
        var status: Int
        var code: String?
        var fields: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one image", status: 202),
        Case(name: "three images (the limit)", body: WebAPIHarness.jobBody(images: 3), status: 202),
        Case(name: "a +json media type with parameters", headers: ["Content-Type": "application/vnd.imageresize+json; charset=utf-8"], status: 202),
        Case(name: "no Content-Type", headers: [:], status: 415, code: "unsupported_media_type"),
        Case(name: "text/plain", headers: ["Content-Type": "text/plain"], status: 415, code: "unsupported_media_type"),
        Case(name: "not JSON", body: "{images: [", status: 400, code: "bad_json"),
        Case(name: "empty body", body: "", status: 400, code: "bad_json"),
        Case(name: "a JSON array", body: "[]", status: 422, code: "invalid_request", fields: [""]),
        Case(name: "no images", body: #"{"images":[]}"#, status: 422, code: "invalid_request", fields: ["images"]),
        Case(
            name: "a bad width and an unknown field", body: #"{"images":[{"url":"http://a/1","width":0}],"x":1}"#,
            status: 422, code: "invalid_request", fields: ["x", "images[0].width"]),
        Case(
            name: "a width of 1e308", body: #"{"images":[{"url":"http://a/1","width":1e308}]}"#,
            status: 422, code: "invalid_request", fields: ["images[0].width"]),
        Case(
            name: "a width of -9223372036854775808", body: #"{"images":[{"url":"http://a/1","width":-9223372036854775808}]}"#,
            status: 422, code: "invalid_request", fields: ["images[0].width"]),
        Case(name: "more images than allowed", body: WebAPIHarness.jobBody(images: 4), status: 413, code: "too_many_images"),
        Case(name: "token set, none sent", token: "s3cret", status: 401, code: "unauthorized"),
        Case(
            name: "token set, wrong one sent", headers: ["Content-Type": "application/json", "Authorization": "Bearer s3cres"],
            token: "s3cret", status: 401, code: "unauthorized"),
        Case(
            name: "token set, longer one sent", headers: ["Content-Type": "application/json", "Authorization": "Bearer s3cret2"],
            token: "s3cret", status: 401, code: "unauthorized"),
        Case(
            name: "token set and sent", headers: ["Content-Type": "application/json", "Authorization": "Bearer s3cret"],
            token: "s3cret", status: 202),
        Case(
            name: "token checked before the body", headers: ["Content-Type": "text/plain"], body: "x", token: "s3cret",
            status: 401, code: "unauthorized"),
    ]

    @Test(arguments: cases)
    func submit(_ c: Case) async throws {
        let api = WebAPIHarness { $0.apiToken = c.token }
        let answer = await api.send(.post, "/jobs", headers: c.headers, body: c.body)
        #expect(answer.status == c.status, "\(answer.text)")
        #expect(answer.errorCode == c.code)
        #expect(answer.fields == c.fields)
        let published = await api.publisher.published
        if c.status == 202 {
            let id = try #require(answer.json["id"] as? String)
            #expect(answer.headers["Location"] == "/jobs/\(id)")
            #expect(answer.json["status"] as? String == "pending")
            let images = try #require(answer.json["images"] as? [[String: String]])
            let jobID = try #require(UUID(uuidString: id))
            let job = try #require(try await api.store.job(jobID))
            #expect(images.map { $0["id"] } == job.images.map { $0.id.uuidString.lowercased() })
            #expect(published.map(\.imageID) == job.images.map(\.id))
            #expect(published.allSatisfy { $0.jobID == job.id })
        } else {
            #expect(await api.store.count == 0, "a refused job is not stored")
            #expect(published.isEmpty, "a refused job is not published")
        }
    }

    /// The broker refusing or never answering: 503, and the job taken back so
    /// no job stays pending that no worker will ever see.
    @Test(arguments: [RecordingPublisher.Mode.refuse, .hang])
    func publishFailureAnswers503AndRemovesTheJob(_ mode: RecordingPublisher.Mode) async throws {
        let api = WebAPIHarness()
        await api.publisher.setMode(mode)
        let answer = await api.send(.post, "/jobs", headers: WebAPIHarness.json, body: WebAPIHarness.jobBody(images: 2))
        #expect(answer.status == 503)
        #expect(answer.errorCode == "unavailable")
        #expect(answer.text.contains("message broker"))
        #expect(answer.headers["Retry-After"] == "5", "a client (or load balancer) is told when to try again")
        #expect(await api.store.count == 0)
        #expect(await api.store.deleted.count == 1)
    }

    @Test func databaseOutageAnswers503AndPublishesNothing() async throws {
        let api = WebAPIHarness()
        await api.store.setFailing(true)
        let answer = await api.send(.post, "/jobs", headers: WebAPIHarness.json, body: WebAPIHarness.jobBody())
        #expect(answer.status == 503)
        #expect(answer.errorCode == "unavailable")
        #expect(answer.headers["Retry-After"] == "5")
        #expect(await api.publisher.published.isEmpty)
    }

    /// The original API: 202 with the job in `Location` and no body.
    @Test func originalResizeEndpoint() async throws {
        let api = WebAPIHarness()
        let answer = await api.send(
            .post, "/resize", headers: WebAPIHarness.json,
            body: #"{"images":[{"input":"http://img.example/a.jpg","width":300,"policy":"max"}]}"#)
        #expect(answer.status == 202)
        #expect(answer.body.isEmpty)
        let location = try #require(answer.headers["Location"])
        #expect(location.hasPrefix("/job/"))
        let jobID = try #require(UUID(uuidString: String(location.dropFirst(5))))
        let job = try #require(try await api.store.job(jobID))
        #expect(job.images.map(\.spec) == [ImageSpec(url: "http://img.example/a.jpg", width: 300, height: nil, fit: .inside)])
        #expect(await api.publisher.published.count == 1)
        let invalid = await api.send(.post, "/resize", headers: WebAPIHarness.json, body: #"{"images":[{"width":300}]}"#)
        #expect(invalid.status == 422 && invalid.fields == ["images[0].url"])
    }
}
