/// The summary as an aligned plain-text table, for the terminal at the end of a run.
public enum SummaryTable {
    public static func render(_ summary: LoadSummary) -> String {
        var rows: [(String, String)] = []
        rows.append(
            (
                "jobs",
                "\(summary.scheduled) scheduled, \(summary.submitted) submitted, \(summary.completed) completed, \(summary.failed) failed, \(summary.skipped) skipped"
            ))
        rows.append(
            (
                "throughput",
                "\(Format.rate(summary.throughputPerMinute)) jobs/min completed (offered \(Format.rate(summary.offeredPerMinute)) jobs/min) over \(Format.seconds(summary.duration))"
            ))
        rows.append(("latency p50", Format.seconds(summary.latency.p50)))
        rows.append(("latency p90", Format.seconds(summary.latency.p90)))
        rows.append(("latency p95", Format.seconds(summary.latency.p95)))
        rows.append(("latency p99", Format.seconds(summary.latency.p99)))
        rows.append(("latency max", Format.seconds(summary.latency.max)))
        rows.append(
            (
                "deadline",
                "\(Format.seconds(summary.deadline)): \(summary.deadlineMisses) missed (\(Format.percent(summary.missedPercent))), \(summary.lateCompletions) late, \(summary.failed) failed"
            ))
        let errors = summary.sortedErrors.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
        rows.append(("errors", errors.isEmpty ? "none" : errors))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { label, value in
            label + String(repeating: " ", count: width - label.count) + "  " + value
        }.joined(separator: "\n")
    }
}
