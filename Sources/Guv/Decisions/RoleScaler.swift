/// The per-role decision state machine: the chosen policy plus its estimate history.
///
/// Pure apart from its own history, so the governor, the simulator and the tests
/// all drive exactly the same decisions.
public struct RoleScaler: Sendable {
    public let config: RoleConfig
    public var predictive: PredictiveEstimate
    /// Previous estimates, oldest first, at most `windowSize` long.
    public private(set) var history: [Int] = []
    /// Consumers seen at the previous decision (our policy trusts measured rates
    /// only while this is unchanged).
    public private(set) var previousConsumers: Int?

    public init(config: RoleConfig, predictive: PredictiveEstimate = PredictiveEstimate(), history: [Int] = []) {
        self.config = config
        self.predictive = predictive
        self.history = Array(history.suffix(windowSize))
    }

    /// guv keeps floor(history / pollinterval) estimates; ours its own shorter window.
    public var windowSize: Int {
        switch config.policy {
        case .guv: return config.historySize
        case .predictive:
            // Never stop a worker that the estimates of the last boot time still wanted:
            // restarting it would pay another boot.
            let bootPolls = config.pollinterval > 0 ? Int((config.boot / config.pollinterval).rounded(.up)) : 0
            return max(predictive.downscaleWindow, bootPolls + 1)
        }
    }

    /// Decide for one iteration and remember the estimate.
    /// - Parameter current: workers in the formation now (nil if unknown).
    public mutating func decide(queue: QueueObservation, current: Int?) -> ScalingDecision {
        let estimate: Int
        switch config.policy {
        case .guv:
            estimate = GuvEstimate.workers(messages: queue.messages, config: config)
        case .predictive:
            let running = current.map { min($0, queue.consumers) } ?? queue.consumers
            estimate = predictive.workers(
                queue: queue, running: running, config: config,
                steadyConsumers: previousConsumers == queue.consumers)
        }
        let next = Hysteresis.next(estimate: estimate, current: current, history: history)
        previousConsumers = queue.consumers
        history.append(estimate)
        if history.count > windowSize { history.removeFirst(history.count - windowSize) }
        return ScalingDecision(estimate: estimate, next: next)
    }
}
