import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LoadTest

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct HTTPJobClientTests {
    static let images = [
        ImageRequest(input: "http://images/a.jpg", width: 400, height: 300),
        ImageRequest(input: "http://images/b.jpg", width: 400, height: 300),
    ]

    @Test func originalAPIPollsUntil200() async throws {
        let calls = CallCounter()
        let server = try TestHTTPServer { request in
            if request.method == "POST" { return .init(status: 202, headers: ["Location": "/job/abc"]) }
            if calls.next(request.target) < 3 { return .init(status: 201, body: #"{"id":"abc","images":[{}]}"#) }
            return .init(status: 200, body: #"{"id":"abc","images":[{"completed_at":"t","result":{"output":"u"}}]}"#)
        }
        defer { server.stop() }
        let client = HTTPJobClient(baseURL: server.url(), api: .original, pollInterval: .milliseconds(10))
        let handle = try await client.submit(Self.images)
        #expect(handle == JobHandle(id: "abc", location: "/job/abc"))
        #expect(try await client.waitForCompletion(handle, timeout: .seconds(10)) == .completed)
        let requests = server.requests
        #expect(requests.map(\.target) == ["/resize", "/job/abc", "/job/abc", "/job/abc"])
        let body = try JSONSerialization.jsonObject(with: requests[0].body) as! [String: Any]
        let sent = body["images"] as! [[String: Any]]
        #expect(sent.map { $0["input"] as? String } == ["http://images/a.jpg", "http://images/b.jpg"])
        #expect(sent.allSatisfy { $0["width"] as? Int == 400 && $0["height"] as? Int == 300 })
    }

    @Test func jobsAPILongPollsWithAWait() async throws {
        let calls = CallCounter()
        let server = try TestHTTPServer { request in
            if request.method == "POST" { return .init(status: 201, body: #"{"id":"j1","status":"pending"}"#) }
            if calls.next("get") < 2 { return .init(status: 200, body: #"{"id":"j1","status":"pending"}"#) }
            return .init(status: 200, body: #"{"id":"j1","status":"failed","images":[{"error":{"message":"HTTP 404 on download"}}]}"#)
        }
        defer { server.stop() }
        let client = HTTPJobClient(baseURL: server.url(), api: .jobs, longPollSeconds: 20)
        let handle = try await client.submit(Self.images)
        #expect(handle.id == "j1")
        #expect(try await client.waitForCompletion(handle, timeout: .seconds(60)) == .failed(message: "HTTP 404 on download"))
        #expect(server.requests.map(\.target) == ["/jobs", "/jobs/j1?wait=20", "/jobs/j1?wait=20"])
    }

    @Test func waitIsCappedByTheRemainingTimeout() async throws {
        let server = try TestHTTPServer { request in
            request.method == "POST" ? .init(status: 201, body: #"{"id":"j2"}"#) : .init(status: 200, body: #"{"status":"done"}"#)
        }
        defer { server.stop() }
        let client = HTTPJobClient(baseURL: server.url(), api: .jobs, longPollSeconds: 30)
        let handle = try await client.submit(Self.images)
        #expect(try await client.waitForCompletion(handle, timeout: .seconds(5)) == .completed)
        #expect(server.requests.last?.target == "/jobs/j2?wait=4" || server.requests.last?.target == "/jobs/j2?wait=5")
    }

    @Test func pendingForeverTimesOut() async throws {
        let server = try TestHTTPServer { request in
            request.method == "POST" ? .init(status: 202, headers: ["Location": "/job/slow"]) : .init(status: 201, body: "{}")
        }
        defer { server.stop() }
        let client = HTTPJobClient(baseURL: server.url(), api: .original, pollInterval: .milliseconds(20))
        let handle = try await client.submit(Self.images)
        await #expect(throws: JobClientError.timeout) {
            try await client.waitForCompletion(handle, timeout: .milliseconds(200))
        }
    }

    @Test func unexpectedStatusIsReported() async throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(status: 503, body: "overloaded") }
        defer { server.stop() }
        let client = HTTPJobClient(baseURL: server.url())
        await #expect(throws: JobClientError.httpStatus(503, body: "overloaded")) {
            try await client.submit(Self.images)
        }
    }

    @Test func runnerDrivesTheHTTPClient() async throws {
        let calls = CallCounter()
        let server = try TestHTTPServer { request in
            if request.method == "POST" {
                return .init(status: 202, headers: ["Location": "/job/\(calls.next("post"))"])
            }
            return .init(status: 200, body: #"{"images":[{"completed_at":"t"}]}"#)
        }
        defer { server.stop() }
        let configuration = LoadRunConfiguration(
            profile: .poisson(ratePerMinute: 6_000), bounds: RunBounds(count: 8), seed: 2,
            jobs: try JobFactory(urls: ["http://images/a.jpg"], imagesPerJob: 3, width: 100, height: 100), deadline: 30)
        let result = await (try LoadRunner(configuration: configuration, client: HTTPJobClient(baseURL: server.url(), api: .original))).run()
        #expect(result.records.count == 8)
        #expect(result.records.allSatisfy { $0.status == .completed })
        #expect(Set(result.records.compactMap(\.jobID)) == Set((1...8).map(String.init)))
    }
}

/// Counts calls per key, for scripted server answers.
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func next(_ key: String) -> Int {
        counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key, default: 0]
        }
    }
}
