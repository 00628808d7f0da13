import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import ImageResize

/// `GET /jobs/{id}` (with `?wait=`), its images, and the original `GET /job/{id}`.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct WebAPIReadingTests {
    @Test func aJobReadsBackPendingThenFinished() async throws {
        let api = WebAPIHarness()
        let id = try await api.submit(images: 2)
        var answer = await api.get("/jobs/\(id.lowercased)")
        #expect(answer.status == 200)
        #expect(answer.json["status"] as? String == "pending")
        #expect(answer.json["url"] as? String == "/jobs/\(id.lowercased)")
        try await api.finish(id, image: 0)
        try await api.finish(id, image: 1, failed: true)
        answer = await api.get("/jobs/\(id.uuidString)") // upper case works too
        #expect(answer.json["status"] as? String == "partial")
        let images = try #require(answer.json["images"] as? [[String: Any]])
        #expect(images.map { $0["status"] as? String } == ["completed", "failed"])
        #expect(images[0]["processing_ms"] as? Int == 250)
        #expect((images[1]["error"] as? [String: String])?["code"] == "http_status")
    }

    @Test(arguments: [
        ("/jobs/00000000-0000-0000-0000-000000000000", 404, "not_found"),
        ("/jobs/not-a-uuid", 404, "not_found"),
        ("/jobs/%00", 404, "not_found"),
        ("/jobs/" + String(repeating: "a", count: 5000), 404, "not_found"),
        ("/job/00000000-0000-0000-0000-000000000000", 404, "not_found"),
        ("/job/42", 404, "not_found"),
    ])
    func unknownOrMalformedIDs(_ target: String, _ status: Int, _ code: String) async {
        let answer = await WebAPIHarness().get(target)
        #expect(answer.status == status)
        #expect(answer.errorCode == code)
    }

    @Test(arguments: ["abc", "-1", "nan", "inf", "-inf", "", "1e309", "5s"])
    func waitMustBeSeconds(_ wait: String) async throws {
        let api = WebAPIHarness()
        let id = try await api.submit()
        let answer = await api.get("/jobs/\(id.lowercased)?wait=\(wait)")
        #expect(answer.status == 422)
        #expect(answer.fields == ["wait"])
    }

    /// A long wait is cut to the configured maximum (here 0.2 s), not refused
    /// and not trapped on: the pending job comes back.
    @Test(arguments: ["0", "-0", "0.1", "1e308"])
    func waitIsCappedAndReturnsThePendingJob(_ wait: String) async throws {
        let api = WebAPIHarness { $0.maxWaitSeconds = 0.2 }
        let id = try await api.submit()
        let answer = await api.get("/jobs/\(id.lowercased)?wait=\(wait)")
        #expect(answer.status == 200)
        #expect(answer.json["status"] as? String == "pending")
    }

    /// The long-poll returns the finished job when the store announces it.
    @Test func waitReturnsWhenTheJobFinishes() async throws {
        let api = WebAPIHarness()
        let id = try await api.submit()
        async let answer = api.get("/jobs/\(id.lowercased)?wait=30")
        try await Task.sleep(for: .milliseconds(50))
        try await api.finish(id, image: 0)
        let finished = await answer
        #expect(finished.status == 200)
        #expect(finished.json["status"] as? String == "completed")
    }

    @Test func databaseOutageAnswers503() async throws {
        let api = WebAPIHarness()
        let id = try await api.submit()
        await api.store.setFailing(true)
        for target in ["/jobs/\(id.lowercased)", "/job/\(id.lowercased)", "/jobs/\(id.lowercased)/images/\(UUID().lowercased)"] {
            let answer = await api.get(target)
            #expect(answer.status == 503, "\(target)")
            #expect(answer.errorCode == "unavailable")
        }
    }

    @Test func imageBytesWithETag() async throws {
        let api = WebAPIHarness()
        let id = try await api.submit(images: 3)
        let images = try #require(try await api.store.job(id)).images.map { $0.id.lowercased }
        let path = { (index: Int) in "/jobs/\(id.lowercased)/images/\(images[index])" }
        var answer = await api.get(path(0))
        #expect(answer.status == 404 && answer.errorCode == "not_ready")

        try await api.finish(id, image: 0)
        try await api.finish(id, image: 1, failed: true)
        answer = await api.get(path(0))
        #expect(answer.status == 200)
        #expect(answer.body == [0xFF, 0xD8, 0xFF, 0])
        #expect(answer.headers["Content-Type"] == "image/jpeg")
        #expect(answer.headers["Content-Length"] == "4")
        let etag = try #require(answer.headers["ETag"])
        answer = await api.get(path(0), headers: ["If-None-Match": "\"other\", \(etag)"])
        #expect(answer.status == 304 && answer.body.isEmpty)

        answer = await api.get(path(1))
        #expect(answer.status == 404 && answer.errorCode == "image_failed")
        #expect(answer.fields == ["error.code"])
        answer = await api.get("/jobs/\(id.lowercased)/images/\(UUID().lowercased)")
        #expect(answer.status == 404 && answer.errorCode == "not_found")
        answer = await api.get("/jobs/\(id.lowercased)/images/not-a-uuid")
        #expect(answer.status == 404 && answer.errorCode == "not_found")
        await api.storage.remove(key: images[0])
        answer = await api.get(path(0))
        #expect(answer.status == 404 && answer.errorCode == "not_found", "bytes gone from storage")
    }

    /// The original API answered 201 while any image was pending and 200 when all were done.
    @Test func originalJobEndpoint() async throws {
        let api = WebAPIHarness()
        let id = try await api.submit(images: 2)
        var answer = await api.get("/job/\(id.lowercased)")
        #expect(answer.status == 201)
        try await api.finish(id, image: 0)
        try await api.finish(id, image: 1, failed: true)
        answer = await api.get("/job/\(id.lowercased)")
        #expect(answer.status == 200)
        let images = try #require(answer.json["images"] as? [[String: Any]])
        #expect(images.map { $0["input"] as? String } == ["http://img.example/0.jpg", "http://img.example/1.jpg"])
        let imageID = try #require(images[0]["id"] as? String)
        #expect((images[0]["result"] as? [String: String])?["output"] == "/jobs/\(id.lowercased)/images/\(imageID)")
        #expect((images[1]["error"] as? [String: String])?["message"] == "the image server answered 404")
    }
}
