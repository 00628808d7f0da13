import Foundation
import TestSupport
import Testing

@testable import LoadTest

/// The image-resize service's real `GET /jobs/{id}` answers (API/JobView.swift),
/// including `partial`: every image finished, some failed.
@Suite(.logsOnFailure) struct JobStatusReadingServiceShapeTests {
    static let cases: [(String, JobPoll)] = [
        (#"{"id":"a","status":"pending","images":[{"status":"queued","started_at":null}]}"#, .pending),
        (
            #"{"id":"a","status":"completed","duration_ms":812,"images":[{"status":"completed","completed_at":"2026-01-01T00:00:00Z","result":{"url":"/jobs/a/images/b"}}]}"#,
            .finished(.completed)
        ),
        (
            #"{"id":"a","status":"partial","images":[{"status":"completed","completed_at":"t"},{"status":"failed","failed_at":"t","error":{"code":"download_failed","message":"HTTP 404"}}]}"#,
            .finished(.failed(message: "HTTP 404"))
        ),
        (#"{"id":"a","status":"partial","images":[]}"#, .finished(.failed(message: "some images of the job failed"))),
        (
            #"{"id":"a","status":"failed","images":[{"status":"failed","failed_at":"t","error":{"code":"not_an_image","message":"not an image"}}]}"#,
            .finished(.failed(message: "not an image"))
        ),
    ]

    @Test(arguments: cases)
    func readsTheServiceAnswer(_ body: String, _ expected: JobPoll) throws {
        #expect(try JobStatusReading.interpret(statusCode: 200, body: Data(body.utf8), api: .jobs) == expected)
    }
}
