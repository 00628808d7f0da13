/// Everything a load run needs besides the client: what load, for how long,
/// what each job asks for, and the limits that protect the client machine.
public struct LoadRunConfiguration: Sendable {
    public var profile: ArrivalProfile
    public var bounds: RunBounds
    /// Seeds the arrival times (and, by default, the image picks).
    public var seed: UInt64
    public var jobs: JobFactory
    /// The promise under test, seconds from submission to completion.
    public var deadline: Double
    /// How long one job may take, from submission, before it counts as a
    /// timeout. Longer than the deadline, so that late jobs are measured
    /// rather than cut off.
    public var jobTimeout: Duration
    /// Most jobs in flight at once. Arrivals beyond it are recorded as skipped
    /// (`in_flight_cap`) rather than delayed: delaying them would hide the
    /// service's slowness (coordinated omission), and an unbounded number of
    /// waiting requests would exhaust the client's sockets and memory.
    public var maxInFlight: Int
    /// How often the progress callback is called.
    public var progressInterval: Duration

    public init(
        profile: ArrivalProfile, bounds: RunBounds = RunBounds(), seed: UInt64 = 1, jobs: JobFactory,
        deadline: Double = 30, jobTimeout: Duration? = nil, maxInFlight: Int = 500,
        progressInterval: Duration = .seconds(1)
    ) {
        self.profile = profile
        self.bounds = bounds
        self.seed = seed
        self.jobs = jobs
        self.deadline = deadline
        self.jobTimeout = jobTimeout ?? .seconds(Self.defaultJobTimeout(deadline: deadline))
        self.maxInFlight = maxInFlight
        self.progressInterval = progressInterval
    }

    /// The longest duration, deadline or timeout a run takes: a month.
    public static let longestSeconds = 30.0 * 86_400

    /// Four deadlines, at least a minute, at most `longestSeconds`; a
    /// minute for a deadline that is not a number (`validate` refuses it).
    static func defaultJobTimeout(deadline: Double) -> Double {
        deadline.isFinite ? min(max(deadline * 4, 60), longestSeconds) : 60
    }

    /// Rejects settings with which a run would never end or never start.
    public func validate() throws(LoadTestConfigurationError) {
        guard bounds.terminates(profile) else {
            throw LoadTestConfigurationError("the profile '\(profile.spec)' never ends by itself; give a job count or a duration")
        }
        if let count = bounds.count, count < 0 {
            throw LoadTestConfigurationError("the job count is \(count); it must be 0 or more")
        }
        if let duration = bounds.duration, !(duration > 0 && duration <= Self.longestSeconds) {
            throw LoadTestConfigurationError("the duration is \(duration) s; it must be above 0 and at most \(Int(Self.longestSeconds))")
        }
        guard maxInFlight >= 1 else {
            throw LoadTestConfigurationError("the in-flight cap is \(maxInFlight); it must be at least 1")
        }
        guard deadline > 0, deadline <= Self.longestSeconds else {
            throw LoadTestConfigurationError("the deadline is \(deadline) s; it must be above 0 and at most \(Int(Self.longestSeconds))")
        }
        guard jobTimeout > .zero else {
            throw LoadTestConfigurationError("the job timeout must be above 0")
        }
    }
}
