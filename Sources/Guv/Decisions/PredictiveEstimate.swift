import Foundation

/// Our policy: size the role for the backlog it WILL have when new workers are up.
///
/// guv looked only at the queue length now, so during a burst it asked for workers
/// a boot time too late, and it ignored the fill rate. Here the backlog is projected
/// over the boot time with the measured publish rate and the current drain, and the
/// smallest worker count is chosen whose projected backlog (at boot and one poll
/// later) is served within a safety fraction of the wait budget. Choosing the
/// smallest such count lets the queue absorb fractional load inside the deadline,
/// which keeps utilization high instead of rounding every fraction up to a worker.
public struct PredictiveEstimate: Sendable {
    /// Fraction of the wait budget (target - processing) the projected backlog may use.
    public var safety: Double
    /// Scale-down look-back in iterations (highest recent estimate wins).
    public var downscaleWindow: Int
    /// Running fewer workers than the fill rate needs lets the backlog grow; allow it
    /// only while the backlog would take at least this many boot times to reach the
    /// budget. Otherwise the next scale-up comes so soon that its boot costs more
    /// than the stopped worker saved.
    public var growthBoots: Double

    public init(safety: Double = 0.5, downscaleWindow: Int = 2, growthBoots: Double = 2) {
        self.safety = safety
        self.downscaleWindow = downscaleWindow
        self.growthBoots = growthBoots
    }

    /// Jobs per second one worker completes.
    public static func workerRate(_ config: RoleConfig) -> Double {
        Double(config.concurrency) / config.processing
    }

    /// Jobs per second a worker really completes: while the queue has ready messages
    /// every consumer is busy, so acks per consumer measure it. A measurement clearly
    /// (over 10%) below the config wins, so a too optimistic `processing` costs
    /// workers rather than deadlines; within that, the config is trusted over the noise.
    /// - Parameter steadyConsumers: the consumer count was the same one poll ago, so the
    ///   broker's rate window saw these consumers (right after a scale-up it did not).
    public static func effectiveRate(
        queue: QueueObservation, running: Int, config: RoleConfig,
        steadyConsumers: Bool
    ) -> Double {
        let configured = workerRate(config)
        guard steadyConsumers, queue.ready > 0, running > 0, queue.ackRate > 0 else { return configured }
        let measured = queue.ackRate / Double(running)
        return measured < 0.9 * configured ? measured : configured
    }

    /// Projected backlog after `seconds` at constant rates (never negative).
    public static func project(backlog: Double, fill: Double, drain: Double, seconds: Double) -> Double {
        max(0, backlog + (fill - drain) * seconds)
    }

    /// Bounded worker estimate for one observation.
    /// - Parameter running: workers consuming now (their drain is all we have until boot).
    /// - Parameter steadyConsumers: see `effectiveRate`; false plans with the config alone.
    public func workers(queue: QueueObservation, running: Int, config: RoleConfig, steadyConsumers: Bool = false) -> Int {
        let rate = Self.effectiveRate(queue: queue, running: running, config: config, steadyConsumers: steadyConsumers)
        let fill = max(0, queue.publishRate)
        let budget = max(config.processing, config.target - config.processing) * safety
        let nowDrain = Double(max(0, running)) * rate
        let atBoot = Self.project(backlog: Double(queue.messages), fill: fill, drain: nowDrain, seconds: config.boot)
        let servedByBoot = nowDrain * config.boot
        let queued = Double(queue.messages)
        // Wait of the job at the tail of today's queue if k workers serve after boot.
        func nowWait(_ k: Int) -> Double {
            if queued <= servedByBoot { return nowDrain > 0 ? queued / nowDrain : 0 }
            return k > 0 ? config.boot + (queued - servedByBoot) / (Double(k) * rate) : .infinity
        }
        // When even the maximum cannot serve today's tail in time (boot longer than the
        // budget), more workers only shorten the miss; the projected backlog decides.
        let nowFeasible = nowWait(config.maximum) <= budget
        var k = max(config.minimum, 0)
        while k < config.maximum {
            let drain = Double(k) * rate
            let nextPoll = Self.project(backlog: atBoot, fill: fill, drain: drain, seconds: config.pollinterval)
            // Jobs at the tail of the projected backlog wait until everything ahead is served.
            let backlogWait = k > 0 ? max(atBoot, nextPoll) / drain : (atBoot > 0 || fill > 0 ? .infinity : 0)
            // Under-provisioned: the backlog grows; it must stay below the budget long enough.
            let growth = fill - drain
            let headroom = budget * drain - atBoot
            let growsTooFast = growth > 0 && headroom < growth * growthBoots * config.boot
            if backlogWait <= budget && (!nowFeasible || nowWait(k) <= budget) && !growsTooFast { break }
            k += 1
        }
        return min(max(k, config.minimum), config.maximum)
    }
}
