/// The closing paragraph of a demo act: one paragraph of plain text saying
/// whether the service kept its promise under that load.
///
/// The deadline holds when the share of submitted jobs that missed it (late or
/// failed) is at most 100 - `percentile` percent, i.e. at least `percentile`%
/// of jobs finished in time; 99 is guv's default target.
public enum Verdict {
    public static func held(_ summary: LoadSummary, percentile: Double = 99) -> Bool {
        summary.submitted > 0 && summary.missedPercent <= 100 - percentile + 1e-9
    }

    public static func paragraph(for summary: LoadSummary, percentile: Double = 99) -> String {
        let deadline = Format.seconds(summary.deadline)
        guard summary.submitted > 0 else {
            return "No job was submitted, so there is nothing to judge against the \(deadline) deadline."
        }
        var sentences: [String] = []
        sentences.append(
            "\(summary.completed) of \(summary.submitted) jobs completed in \(Format.seconds(summary.duration)), a throughput of \(Format.rate(summary.throughputPerMinute)) jobs per minute against \(Format.rate(summary.offeredPerMinute)) offered."
        )
        if summary.latency.p95 != nil {
            sentences.append(
                "Latency was \(Format.seconds(summary.latency.p95)) at p95 (\(comparison(summary.latency.p95, summary.deadline))) and \(Format.seconds(summary.latency.p99)) at p99 (\(comparison(summary.latency.p99, summary.deadline))), against a deadline of \(deadline)."
            )
        } else {
            sentences.append("No job completed, so there is no latency to compare with the \(deadline) deadline.")
        }
        var missed =
            "\(Format.percent(summary.missedPercent)) of jobs missed the deadline (\(summary.lateCompletions) late, \(summary.failed) failed)"
        let errors = summary.sortedErrors.filter { $0.kind != ErrorKind.inFlightCap.description }
        if !errors.isEmpty {
            missed += "; errors: " + errors.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
        }
        sentences.append(missed + ".")
        if summary.skipped > 0 {
            sentences.append("\(summary.skipped) arrivals were not sent because the load generator's in-flight cap was reached.")
        }
        let target = percentile.compact
        if held(summary, percentile: percentile) {
            sentences.append("The deadline held: at least \(target)% of jobs finished within \(deadline).")
        } else {
            sentences.append("The deadline did not hold: fewer than \(target)% of jobs finished within \(deadline).")
        }
        return sentences.joined(separator: " ")
    }

    private static func comparison(_ value: Double?, _ deadline: Double) -> String {
        guard let value else { return "unknown" }
        return value <= deadline ? "within" : "over"
    }
}
