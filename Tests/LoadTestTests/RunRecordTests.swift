import Foundation
import TestSupport
import Testing

@testable import LoadTest

@Suite(.logsOnFailure) struct RunRecordTests {
    @Test func jsonRoundTrip() throws {
        let record = RecordedRun.record
        let data = try record.jsonData()
        let decoded = try RunRecord.decode(data)
        #expect(decoded == record)
    }

    @Test func startTimeKeepsMilliseconds() throws {
        var record = RecordedRun.record
        record = RunRecord(
            profile: record.profile, seed: record.seed, deadline: record.deadline,
            startedAt: Date(timeIntervalSince1970: 1_800_000_000.123_456), duration: record.duration, jobs: record.jobs)
        #expect(record.startedAtMilliseconds == 1_800_000_000_123)
        #expect(try RunRecord.decode(record.jsonData()) == record)
    }

    @Test func fileRoundTrip() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loadtest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try RecordedRun.record.write(to: url)
        #expect(try RunRecord.read(from: url) == RecordedRun.record)
    }

    @Test func jsonUsesTheDocumentedFieldNames() throws {
        let object = try JSONSerialization.jsonObject(with: RecordedRun.record.jsonData()) as! [String: Any]
        #expect(object["started_at"] as? String == "2027-01-15T08:00:00Z")
        #expect(object["started_at_ms"] as? Int == 1_800_000_000_000)
        let jobs = object["jobs"] as! [[String: Any]]
        #expect(jobs.count == 10)
        let late = jobs[2]
        #expect(late["submitted_at"] as? Double == 2)
        #expect(late["completed_at"] as? Double == 14)
        #expect(late["latency"] as? Double == 12)
        #expect(late["status"] as? String == "completed")
        #expect(late["images"] as? [String] == ["http://images/2.jpg", "http://images/2b.jpg"])
        #expect(jobs[4]["error_kind"] as? String == "http_503")
        #expect(jobs[7]["status"] as? String == "skipped")
        #expect(jobs[7]["completed_at"] is NSNull)
        let summary = object["summary"] as! [String: Any]
        #expect(summary["deadline_misses"] as? Int == 4)
        #expect(summary["throughput_per_minute"] as? Double == 7)
    }

    @Test(arguments: ["http_503", "http_404", "timeout", "connection", "job_failed", "invalid_response", "in_flight_cap", "cancelled"])
    func errorKindLabelsRoundTrip(label: String) {
        #expect(ErrorKind(label: label)?.description == label)
    }

    @Test(arguments: ["", "http_", "http_abc", "boom"])
    func unknownErrorKindLabels(label: String) {
        #expect(ErrorKind(label: label) == nil)
    }

    @Test func classifiesThrownErrors() {
        #expect(ErrorKind(classifying: JobClientError.httpStatus(502, body: "")) == .httpStatus(502))
        #expect(ErrorKind(classifying: JobClientError.timeout) == .timeout)
        #expect(ErrorKind(classifying: URLError(.timedOut)) == .timeout)
        #expect(ErrorKind(classifying: URLError(.cannotConnectToHost)) == .connection)
        #expect(ErrorKind(classifying: JobClientError.invalidResponse("x")) == .invalidResponse)
    }
}
