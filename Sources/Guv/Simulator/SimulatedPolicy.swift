import Foundation

/// What a policy sees at a poll in the simulation: the same numbers the real
/// governor gets from RabbitMQ and the formation, plus the CPU-like utilization
/// that Kubernetes HPA scales on.
public struct SimulationSnapshot: Sendable {
    public var time: Double
    public var queue: QueueObservation
    /// Workers requested (the formation quantity), booting ones included.
    public var current: Int
    /// Busy slots / available slots of running workers since the previous poll.
    public var utilization: Double
}

/// A scaling policy under simulation: returns the worker count to set, or nil.
public protocol SimulatedPolicy: Sendable {
    var name: String { get }
    var pollInterval: Double { get }
    mutating func decide(_ snapshot: SimulationSnapshot) -> Int?
}

/// guv or our policy, through the very `RoleScaler` the governor uses.
public struct RoleScalerPolicy: SimulatedPolicy {
    public var name: String
    public var scaler: RoleScaler
    public var pollInterval: Double { scaler.config.pollinterval }

    public init(name: String, config: RoleConfig, predictive: PredictiveEstimate = PredictiveEstimate()) {
        self.name = name
        scaler = RoleScaler(config: config, predictive: predictive)
    }

    public mutating func decide(_ snapshot: SimulationSnapshot) -> Int? {
        scaler.decide(queue: snapshot.queue, current: snapshot.current).next
    }
}

/// Keeps the highest recommendation of a trailing window, like HPA's
/// scale-down stabilization.
struct StabilizationWindow: Sendable {
    var seconds: Double
    var recommendations: [(time: Double, value: Int)] = []

    mutating func stabilized(_ value: Int, at time: Double) -> Int {
        recommendations.append((time, value))
        recommendations.removeAll { $0.time < time - seconds }
        return recommendations.map(\.value).max() ?? value
    }
}

/// Kubernetes HPA on a utilization target: desired = ceil(current * util / target),
/// no change within a 10% tolerance, 300 s scale-down stabilization, 15 s sync period.
public struct HPAPolicy: SimulatedPolicy {
    public var name: String
    public var target: Double
    public var tolerance = 0.1
    public var minimum: Int
    public var maximum: Int
    public var pollInterval: Double = 15
    var window = StabilizationWindow(seconds: 300)

    public init(target: Double, minimum: Int, maximum: Int) {
        name = "hpa-\(Int(target * 100))%"
        self.target = target
        self.minimum = minimum
        self.maximum = maximum
    }

    public mutating func decide(_ s: SimulationSnapshot) -> Int? {
        let ratio = s.utilization / target
        var desired = s.current
        if abs(ratio - 1) > tolerance && s.current > 0 {
            desired = Int((Double(s.current) * ratio).rounded(.up))
        }
        if s.current == 0 && s.queue.messages > 0 { desired = 1 }
        desired = min(max(desired, minimum), maximum)
        let stable = window.stabilized(desired, at: s.time)
        let next = desired > s.current ? desired : min(stable, s.current)
        return next == s.current ? nil : next
    }
}

/// KEDA's RabbitMQ scaler in QueueLength mode: desired = ceil(messages / value),
/// polled every 30 s, scaled down through HPA's 300 s stabilization.
public struct KEDAPolicy: SimulatedPolicy {
    public var name: String
    public var queueLengthPerReplica: Double
    public var minimum: Int
    public var maximum: Int
    public var pollInterval: Double = 30
    var window = StabilizationWindow(seconds: 300)

    public init(queueLengthPerReplica: Double = 20, minimum: Int, maximum: Int) {
        name = "keda-q\(Int(queueLengthPerReplica))"
        self.queueLengthPerReplica = queueLengthPerReplica
        self.minimum = minimum
        self.maximum = maximum
    }

    public mutating func decide(_ s: SimulationSnapshot) -> Int? {
        var desired = Int((Double(s.queue.messages) / queueLengthPerReplica).rounded(.up))
        desired = min(max(desired, minimum), maximum)
        let stable = window.stabilized(desired, at: s.time)
        let next = desired > s.current ? desired : min(stable, s.current)
        return next == s.current ? nil : next
    }
}
