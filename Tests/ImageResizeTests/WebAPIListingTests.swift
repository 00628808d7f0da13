import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import ImageResize

/// `GET /jobs`: filters, keyset pagination and every malformed parameter.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct WebAPIListingTests {
    /// Five jobs a minute apart, the oldest first: completed, failed, pending, partial, pending.
    static func fiveJobs(_ api: WebAPIHarness) async throws -> (ids: [UUID], start: Date) {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        var ids: [UUID] = []
        for minute in 0..<5 {
            let id = UUID()
            try await api.store.create(
                jobID: id,
                images: [
                    (UUID(), ImageSpec(url: "http://a/\(minute)", width: 10, height: nil)),
                    (UUID(), ImageSpec(url: "http://b/\(minute)", width: 10, height: nil)),
                ],
                at: start.addingTimeInterval(Double(minute) * 60))
            ids.append(id)
        }
        for image in 0..<2 { try await api.finish(ids[0], image: image) }
        for image in 0..<2 { try await api.finish(ids[1], image: image, failed: true) }
        try await api.finish(ids[3], image: 0)
        try await api.finish(ids[3], image: 1, failed: true)
        return (ids, start)
    }

    static func ids(_ answer: WebAPIHarness.Answer) -> [String] {
        (answer.json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func filtersByStatusAndSince() async throws {
        let api = WebAPIHarness()
        let (ids, start) = try await Self.fiveJobs(api)
        let all = ids.map(\.lowercased)
        #expect(Self.ids(await api.get("/jobs")) == all.reversed())
        #expect(Self.ids(await api.get("/jobs?status=pending")) == [all[4], all[2]])
        #expect(Self.ids(await api.get("/jobs?status=completed")) == [all[0]])
        #expect(Self.ids(await api.get("/jobs?status=failed")) == [all[1]])
        #expect(Self.ids(await api.get("/jobs?status=partial")) == [all[3]])
        let since = Timestamps.format(start.addingTimeInterval(120))
        #expect(Self.ids(await api.get("/jobs?since=\(since)")) == [all[4], all[3], all[2]])
        #expect(Self.ids(await api.get("/jobs?since=\(since)&status=pending")) == [all[4], all[2]])
    }

    /// Following `next` visits every job once, newest first, and the last page has no `next`.
    @Test(arguments: [1, 2, 4, 5, 6])
    func cursorPagesThroughEveryJob(_ limit: Int) async throws {
        let api = WebAPIHarness()
        let (ids, _) = try await Self.fiveJobs(api)
        var seen: [String] = []
        var target: String? = "/jobs?limit=\(limit)"
        var pages = 0
        while let current = target, pages < 10 {
            let answer = await api.get(current)
            #expect(answer.status == 200)
            let page = Self.ids(answer)
            #expect(page.count <= limit)
            seen += page
            target = answer.json["next"] as? String
            if let next = target { #expect(next.contains("limit=\(limit)") && next.contains("cursor=")) }
            pages += 1
        }
        #expect(seen == ids.map(\.lowercased).reversed())
    }

    @Test(arguments: [
        ("status=done", ["status"]),
        ("status=", ["status"]),
        ("since=yesterday", ["since"]),
        ("since=2026-13-45T00:00:00Z", ["since"]),
        ("limit=0", ["limit"]),
        ("limit=501", ["limit"]),
        ("limit=-1", ["limit"]),
        ("limit=1.5", ["limit"]),
        ("limit=9223372036854775808", ["limit"]),
        ("limit=%00", ["limit"]),
        ("cursor=", ["cursor"]),
        ("cursor=abc", ["cursor"]),
        ("cursor=1_2_3", ["cursor"]),
        ("cursor=_00000000-0000-0000-0000-000000000000", ["cursor"]),
        ("cursor=1780000000000000_not-a-uuid", ["cursor"]),
        ("cursor=1780000000000000_00000000-0000-0000-0000-000000000000_", ["cursor"]),
        // Issue 11 item 1: Int64.max microseconds trapped converting back for the database.
        ("cursor=9223372036854775807_00000000-0000-0000-0000-000000000000", ["cursor"]),
        ("cursor=-9223372036854775808_00000000-0000-0000-0000-000000000000", ["cursor"]),
        ("cursor=253402300800000000_00000000-0000-0000-0000-000000000000", ["cursor"]),
        ("cursor=-1_00000000-0000-0000-0000-000000000000", ["cursor"]),
        ("cursor=9223372036854775808_00000000-0000-0000-0000-000000000000", ["cursor"]),
        ("status=x&limit=0&cursor=x&since=x", ["status", "since", "limit", "cursor"]),
    ])
    func malformedParametersAnswer422(_ query: String, _ fields: [String]) async {
        let answer = await WebAPIHarness().get("/jobs?\(query)")
        #expect(answer.status == 422)
        #expect(answer.errorCode == "invalid_request")
        #expect(answer.fields == fields)
    }

    /// The extremes of the accepted cursor range are read, not refused.
    @Test(arguments: ["0", "253402300799999999"])
    func cursorsAtTheEdgesOfTheRange(_ micros: String) async {
        let answer = await WebAPIHarness().get("/jobs?cursor=\(micros)_00000000-0000-0000-0000-000000000000")
        #expect(answer.status == 200)
    }

    @Test func aCursorRoundTrips() throws {
        let job = JobRecord(id: UUID(), createdAt: Date(timeIntervalSince1970: 1_780_000_000.123456), updatedAt: Date(), images: [])
        let cursor = try #require(WebAPI.decodeCursor(WebAPI.encodeCursor(job)))
        #expect(cursor.id == job.id)
        #expect(abs(cursor.createdAt.timeIntervalSince(job.createdAt)) < 0.000_001)
    }

    @Test func databaseOutageAnswers503() async {
        let api = WebAPIHarness()
        await api.store.setFailing(true)
        let answer = await api.get("/jobs")
        #expect(answer.status == 503 && answer.errorCode == "unavailable")
    }
}
