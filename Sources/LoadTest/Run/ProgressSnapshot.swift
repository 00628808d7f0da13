/// The state of a run at one moment, for the live progress line.
public struct ProgressSnapshot: Sendable, Hashable {
    public var elapsed: Double
    /// Jobs submitted so far (arrivals that were sent).
    public var sent: Int
    /// Jobs finished so far, completed or failed.
    public var done: Int
    public var inFlight: Int
    public var skipped: Int
    /// The profile's rate now, jobs per minute.
    public var targetRatePerMinute: Double
    /// Completions per minute over the last 10 seconds.
    public var recentThroughputPerMinute: Double
    public var p50: Double?
    public var p95: Double?
    public var deadlineMisses: Int
    public var errorsByKind: [String: Int]

    public init(
        elapsed: Double, sent: Int, done: Int, inFlight: Int, skipped: Int = 0, targetRatePerMinute: Double,
        recentThroughputPerMinute: Double, p50: Double?, p95: Double?, deadlineMisses: Int, errorsByKind: [String: Int]
    ) {
        self.elapsed = elapsed
        self.sent = sent
        self.done = done
        self.inFlight = inFlight
        self.skipped = skipped
        self.targetRatePerMinute = targetRatePerMinute
        self.recentThroughputPerMinute = recentThroughputPerMinute
        self.p50 = p50
        self.p95 = p95
        self.deadlineMisses = deadlineMisses
        self.errorsByKind = errorsByKind
    }

    public var errorCount: Int { errorsByKind.values.reduce(0, +) }
}
