/// What the broker says about one queue at one moment: the only input a scaling
/// decision needs besides the role's config and the current worker count.
public struct QueueObservation: Equatable, Sendable, Codable {
    /// Ready plus unacknowledged messages (guv's N).
    public var messages: Int
    public var ready: Int
    public var unacknowledged: Int
    public var consumers: Int
    /// Messages published to the queue per second (fill rate).
    public var publishRate: Double
    /// Messages acknowledged per second (drain rate).
    public var ackRate: Double

    public init(
        messages: Int, ready: Int? = nil, unacknowledged: Int = 0, consumers: Int = 0,
        publishRate: Double = 0, ackRate: Double = 0
    ) {
        self.messages = messages
        self.ready = ready ?? max(0, messages - unacknowledged)
        self.unacknowledged = unacknowledged
        self.consumers = consumers
        self.publishRate = publishRate
        self.ackRate = ackRate
    }
}

/// The outcome of one decision: what the policy thinks is needed and what to set.
public struct ScalingDecision: Equatable, Sendable {
    /// The policy's worker estimate this iteration (before hysteresis).
    public var estimate: Int
    /// The worker count to set, or nil to keep the current one.
    public var next: Int?

    public init(estimate: Int, next: Int?) {
        self.estimate = estimate
        self.next = next
    }
}
