import Foundation
import TestSupport
import Testing

@testable import LoadTest

@Suite(.logsOnFailure) struct LoadSummaryTests {
    @Test func figuresOfTheRecordedRun() {
        let s = LoadSummary(records: RecordedRun.jobs, deadline: RecordedRun.deadline, duration: 60)
        #expect(s.scheduled == 10)
        #expect(s.submitted == 9)
        #expect(s.completed == 7)
        #expect(s.failed == 2)
        #expect(s.skipped == 1)
        #expect(s.errorsByKind == ["http_503": 1, "timeout": 1, "in_flight_cap": 1])
        #expect(s.throughputPerMinute == 7)
        #expect(s.offeredPerMinute == 10)
        #expect(s.latency.p50 == 5)
        #expect(s.latency.p90 == 12)
        #expect(s.latency.p95 == 12)
        #expect(s.latency.p99 == 12)
        #expect(s.latency.max == 12)
        #expect(s.latency.mean == 6)
        #expect(s.lateCompletions == 2)
        #expect(s.deadlineMisses == 4)
        #expect(abs(s.missedPercent - 400.0 / 9) < 1e-9)
    }

    @Test func durationDefaultsToTheLastEvent() {
        let s = LoadSummary(records: RecordedRun.jobs, deadline: 10)
        #expect(s.duration == 36)
    }

    @Test func emptyRun() {
        let s = LoadSummary(records: [], deadline: 30, duration: 0)
        #expect(s.submitted == 0)
        #expect(s.throughputPerMinute == 0)
        #expect(s.missedPercent == 0)
        #expect(s.latency.p95 == nil)
        #expect(!Verdict.held(s))
        #expect(Verdict.paragraph(for: s).contains("No job was submitted"))
    }

    @Test func sortedErrorsMostFrequentFirst() {
        var records = RecordedRun.jobs
        records.append(RecordedRun.job(10, at: 10, done: 11, error: .timeout))
        let s = LoadSummary(records: records, deadline: 10)
        #expect(s.sortedErrors.map(\.kind) == ["timeout", "http_503", "in_flight_cap"])
    }

    @Test func tableShowsEveryFigure() {
        let table = SummaryTable.render(LoadSummary(records: RecordedRun.jobs, deadline: 10, duration: 60))
        let lines = table.split(separator: "\n")
        #expect(lines.count == 9)
        #expect(table.contains("10 scheduled, 9 submitted, 7 completed, 2 failed, 1 skipped"))
        #expect(table.contains("7.0 jobs/min completed (offered 10.0 jobs/min) over 60.0 s"))
        #expect(table.contains("latency p50  5.00 s"))
        #expect(table.contains("latency p99  12.0 s"))
        #expect(table.contains("4 missed (44.4%), 2 late, 2 failed"))
        #expect(table.contains("http_503 1, in_flight_cap 1, timeout 1"))
    }

    static func uniformRun(count: Int, late: Int, failed: Int = 0) -> LoadSummary {
        let jobs = (0..<count).map { i -> LoadJobRecord in
            let latency = i < late ? 40.0 : 5.0
            let error: ErrorKind? = (i >= late && i < late + failed) ? .jobFailed : nil
            return RecordedRun.job(i, at: Double(i), done: Double(i) + latency, error: error)
        }
        return LoadSummary(records: jobs, deadline: 30)
    }

    @Test(arguments: [
        (100, 0, 0, true),
        (100, 1, 0, true),
        (100, 2, 0, false),
        (100, 0, 1, true),
        (100, 1, 1, false),
        (10, 1, 0, false),
    ])
    func verdictHoldsWhenAtLeast99PercentMeetTheDeadline(count: Int, late: Int, failed: Int, held: Bool) {
        let summary = Self.uniformRun(count: count, late: late, failed: failed)
        #expect(Verdict.held(summary) == held)
        let paragraph = Verdict.paragraph(for: summary)
        #expect(paragraph.contains(held ? "The deadline held" : "The deadline did not hold"))
        #expect(!paragraph.contains("\n"))
    }

    @Test func verdictParagraphOfTheRecordedRun() {
        let paragraph = Verdict.paragraph(for: LoadSummary(records: RecordedRun.jobs, deadline: 10, duration: 60), percentile: 95)
        #expect(
            paragraph
                == "7 of 9 jobs completed in 60.0 s, a throughput of 7.0 jobs per minute against 10.0 offered. Latency was 12.0 s at p95 (over) and 12.0 s at p99 (over), against a deadline of 10.0 s. 44.4% of jobs missed the deadline (2 late, 2 failed); errors: http_503 1, timeout 1. 1 arrivals were not sent because the load generator's in-flight cap was reached. The deadline did not hold: fewer than 95% of jobs finished within 10.0 s."
        )
    }

    @Test func verdictWithALowerPercentile() {
        let summary = Self.uniformRun(count: 100, late: 5)
        #expect(!Verdict.held(summary, percentile: 99))
        #expect(Verdict.held(summary, percentile: 95))
        #expect(Verdict.paragraph(for: summary, percentile: 95).contains("at least 95% of jobs finished within 30.0 s"))
    }
}
