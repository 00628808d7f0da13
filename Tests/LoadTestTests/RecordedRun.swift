import Foundation

@testable import LoadTest

/// A small run written down by hand, whose figures are worked out in the tests.
enum RecordedRun {
    static let deadline = 10.0

    /// Completed latencies 2, 3, 12, 5, 1, 8, 11 (sorted 1 2 3 5 8 11 12);
    /// one http_503, one timeout, one skipped.
    static let jobs: [LoadJobRecord] = [
        job(0, at: 0, done: 2),
        job(1, at: 1, done: 4),
        job(2, at: 2, done: 14),
        job(3, at: 3, done: 8),
        job(4, at: 4, done: 5, error: .httpStatus(503)),
        job(5, at: 5, done: 6),
        job(6, at: 6, done: 36, error: .timeout),
        LoadJobRecord(
            index: 7, scheduledAt: 7, submittedAt: 7, completedAt: nil, status: .skipped, errorKind: .inFlightCap,
            errorMessage: "cap", images: ["http://images/7.jpg"]),
        job(8, at: 8, done: 16),
        job(9, at: 9, done: 20),
    ]

    static func job(_ index: Int, at: Double, done: Double, error: ErrorKind? = nil) -> LoadJobRecord {
        LoadJobRecord(
            index: index, scheduledAt: at, submittedAt: at, completedAt: done, status: error == nil ? .completed : .failed,
            errorKind: error, errorMessage: error.map { "\($0)" }, jobID: "job-\(index)",
            images: ["http://images/\(index).jpg", "http://images/\(index)b.jpg"])
    }

    static let series = [
        TimeSeries(
            name: "resize.IN", unit: "messages",
            points: [.init(t: 0, value: 0), .init(t: 5, value: 12), .init(t: 10, value: 30), .init(t: 20, value: 4)]),
        TimeSeries(name: "resize workers", unit: "workers", points: [.init(t: 0, value: 1), .init(t: 10, value: 3), .init(t: 30, value: 2)]),
    ]

    static var record: RunRecord {
        RunRecord(
            profile: "poisson:10", seed: 5, deadline: deadline, startedAt: Date(timeIntervalSince1970: 1_800_000_000),
            duration: 60, jobs: jobs, series: series)
    }
}
