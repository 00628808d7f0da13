import Primitives

/// The numbers of a finished run that the demo talks about: how much got
/// through, how long it took, and how many jobs missed the deadline.
///
/// Latency percentiles are over completed jobs only (a failure's "latency" is
/// the time to an error, not a result). A deadline miss is any submitted job
/// that did not complete within the deadline: late completions plus failures,
/// since a user waiting for a failed job is not served either. Skipped jobs
/// (held back by the client's in-flight cap) are counted apart: they say the
/// load generator, not the service, ran out of room.
public struct LoadSummary: Sendable, Hashable, Codable {
    public var deadline: Double
    /// Seconds from the start of the run to its last event.
    public var duration: Double
    public var scheduled: Int
    public var submitted: Int
    public var completed: Int
    public var failed: Int
    public var skipped: Int
    /// Error counts keyed by `ErrorKind.description` (`http_503`, `timeout`...).
    public var errorsByKind: [String: Int]
    /// Completed jobs per minute over `duration`.
    public var throughputPerMinute: Double
    /// Scheduled arrivals per minute over `duration`: what was asked for.
    public var offeredPerMinute: Double
    public var latency: LatencyFigures
    public var lateCompletions: Int
    public var deadlineMisses: Int
    /// `deadlineMisses` as a percentage of submitted jobs (0 when none were).
    public var missedPercent: Double

    /// Latency figures in seconds; nil when no job completed.
    public struct LatencyFigures: Sendable, Hashable, Codable {
        public var p50: Double?
        public var p90: Double?
        public var p95: Double?
        public var p99: Double?
        public var max: Double?
        public var mean: Double?
    }

    enum CodingKeys: String, CodingKey {
        case deadline, duration, scheduled, submitted, completed, failed, skipped, latency
        case errorsByKind = "errors_by_kind"
        case throughputPerMinute = "throughput_per_minute"
        case offeredPerMinute = "offered_per_minute"
        case lateCompletions = "late_completions"
        case deadlineMisses = "deadline_misses"
        case missedPercent = "missed_percent"
    }

    /// Summarises records; `duration` defaults to the time of the last event.
    public init(records: [LoadJobRecord], deadline: Double, duration: Double? = nil) {
        self.deadline = deadline
        let lastEvent = records.map { $0.completedAt ?? $0.submittedAt }.max() ?? 0
        self.duration = duration ?? lastEvent
        scheduled = records.count
        skipped = records.count { $0.status == .skipped }
        submitted = scheduled - skipped
        completed = records.count { $0.status == .completed }
        failed = records.count { $0.status == .failed }
        var errors: [String: Int] = [:]
        for record in records {
            if let kind = record.errorKind { errors[kind.description, default: 0] += 1 }
        }
        errorsByKind = errors
        let minutes = self.duration / 60
        throughputPerMinute = minutes > 0 ? Double(completed) / minutes : 0
        offeredPerMinute = minutes > 0 ? Double(scheduled) / minutes : 0
        let completedLatencies = records.filter { $0.status == .completed }.compactMap(\.latency)
        let percentiles = Percentiles(completedLatencies)
        latency = LatencyFigures(
            p50: percentiles.value(at: 50), p90: percentiles.value(at: 90), p95: percentiles.value(at: 95),
            p99: percentiles.value(at: 99), max: percentiles.maximum, mean: percentiles.mean)
        lateCompletions = completedLatencies.count { $0 > deadline }
        deadlineMisses = lateCompletions + failed
        missedPercent = submitted > 0 ? Double(deadlineMisses) / Double(submitted) * 100 : 0
    }

    /// Error kinds with their counts, most frequent first, for stable output.
    public var sortedErrors: [(kind: String, count: Int)] {
        errorsByKind.map { (kind: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.kind < $1.kind }
    }
}
