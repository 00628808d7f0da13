/// Which decision function scales a role.
public enum PolicyKind: String, Sendable, CaseIterable, Codable {
    /// guv 0.3's reactive estimate with history hysteresis, reproduced exactly.
    case guv
    /// Our policy: projects the backlog over the boot time with the fill rate.
    case predictive
}

/// The fully resolved settings of one role (defaults, `'*'` inheritance and the
/// derived target applied), so decisions never look anything up.
public struct RoleConfig: Equatable, Sendable {
    public var name: String
    /// Mean job processing time, seconds.
    public var processing: Double = 10
    /// Standard deviation of the processing time, seconds (default: half of processing).
    public var stddev: Double = 5
    /// Seconds within which `percentile` % of the jobs must finish.
    public var deadline: Double = 60
    public var percentile: Double = 99
    /// Seconds a job may wait plus run so that the percentile still meets the deadline.
    public var target: Double = 0
    /// Jobs one worker runs at once (its AMQP prefetch).
    public var concurrency: Int = 1
    public var minimum: Int = 1
    public var maximum: Int = 5
    /// Seconds from the scale request until a new worker consumes.
    public var boot: Double = 30
    /// Process type to scale.
    public var worker: String
    /// Queue to watch.
    public var queue: String
    public var app: String?
    public var broker: String?
    public var apikey: String?
    public var pollinterval: Double = 30
    public var history: Double = 120
    public var policy: PolicyKind = .guv
    public var dynosize: String = "standard-1x"
    public var statuspage: String?
    public var metric: String?
    /// True when the deadline cannot be met even by an idle worker; guv then used
    /// `processing + 0.01` as the target and so do we, but we say so.
    public var targetUnrealizable: Bool = false

    public init(name: String) {
        self.name = name
        worker = name
        queue = name
    }

    /// Number of past estimates the hysteresis looks at: floor(history / pollinterval).
    public var historySize: Int {
        pollinterval > 0 ? Int((history / pollinterval).rounded(.down)) : 0
    }

    /// guv's target: deadline - z(percentile) * stddev.
    public static func derivedTarget(deadline: Double, percentile: Double, stddev: Double) -> Double {
        deadline - InverseNormal.quantile(percentile / 100) * stddev
    }
}
