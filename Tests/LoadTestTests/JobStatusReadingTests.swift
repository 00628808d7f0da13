import Foundation
import TestSupport
import Testing

@testable import LoadTest

@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct JobStatusReadingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var api: JobAPI
        var status: Int
        var body: String
        var expected: JobPoll
        var testDescription: String { "\(api) \(status) \(body)" }
    }

    static let cases: [Case] = [
        Case(api: .original, status: 201, body: "{}", expected: .pending),
        Case(api: .original, status: 200, body: #"{"images":[{"completed_at":"t","result":{"output":"u"}}]}"#, expected: .finished(.completed)),
        Case(
            api: .original, status: 200, body: #"{"images":[{"completed_at":"t"},{"failed_at":"t","error":{"message":"bad jpeg"}}]}"#,
            expected: .finished(.failed(message: "bad jpeg"))),
        Case(api: .jobs, status: 202, body: "", expected: .pending),
        Case(api: .jobs, status: 200, body: #"{"status":"pending"}"#, expected: .pending),
        Case(api: .jobs, status: 200, body: #"{"status":"running"}"#, expected: .pending),
        Case(api: .jobs, status: 200, body: #"{"status":"completed","images":[{"completed_at":"t"}]}"#, expected: .finished(.completed)),
        Case(
            api: .jobs, status: 200, body: #"{"status":"completed","images":[{"error":{"message":"404 on download"}}]}"#,
            expected: .finished(.failed(message: "404 on download"))),
        Case(api: .jobs, status: 200, body: #"{"status":"failed","error":"no images"}"#, expected: .finished(.failed(message: "no images"))),
        Case(api: .jobs, status: 200, body: #"{"completed_at":null,"images":[{"completed_at":"t"},{"completed_at":null}]}"#, expected: .pending),
        Case(api: .jobs, status: 200, body: #"{"completed_at":"t","images":[]}"#, expected: .finished(.completed)),
        Case(api: .jobs, status: 200, body: #"{"images":[{"completed_at":"t"},{"failed_at":"t"}]}"#, expected: .finished(.failed(message: "failed"))),
        Case(api: .jobs, status: 200, body: #"{"failed_at":"t"}"#, expected: .finished(.failed(message: "failed"))),
    ]

    @Test(arguments: cases)
    func interprets(_ c: Case) throws {
        #expect(try JobStatusReading.interpret(statusCode: c.status, body: Data(c.body.utf8), api: c.api) == c.expected)
    }

    @Test(arguments: [
        (JobAPI.original, 404, "{}", JobClientError.httpStatus(404, body: "{}")),
        (.jobs, 500, "oops", .httpStatus(500, body: "oops")),
        (.jobs, 201, "", .httpStatus(201, body: "")),
        (.jobs, 200, "not json", .invalidResponse("the job status is not a JSON object: not json")),
        (.jobs, 200, #"{"status":"exploded"}"#, .invalidResponse("unknown job status 'exploded'")),
    ])
    func rejects(api: JobAPI, status: Int, body: String, error: JobClientError) {
        #expect(throws: error) { try JobStatusReading.interpret(statusCode: status, body: Data(body.utf8), api: api) }
    }

    @Test func jobHandleFromBodyOrLocation() throws {
        #expect(
            try JobStatusReading.jobHandle(statusCode: 202, body: Data(), location: "/job/abc-123", api: .original)
                == JobHandle(id: "abc-123", location: "/job/abc-123"))
        #expect(try JobStatusReading.jobHandle(statusCode: 201, body: Data(#"{"id":"j1"}"#.utf8), location: nil, api: .jobs).id == "j1")
        #expect(throws: JobClientError.httpStatus(400, body: "bad")) {
            try JobStatusReading.jobHandle(statusCode: 400, body: Data("bad".utf8), location: nil, api: .jobs)
        }
        #expect(throws: JobClientError.self) {
            try JobStatusReading.jobHandle(statusCode: 202, body: Data(), location: nil, api: .jobs)
        }
    }

    @Test func httpClientReportsARefusedConnection() async {
        // Port 1 on loopback: nothing listens there, so the connection is refused.
        let client = HTTPJobClient(baseURL: URL(string: "http://127.0.0.1:1")!)
        do {
            _ = try await client.submit([ImageRequest(input: "http://x/a.jpg", width: 10, height: 10)])
            Issue.record("submit should have failed")
        } catch {
            #expect(ErrorKind(classifying: error) == .connection)
        }
    }
}
