import Foundation
import Primitives

/// The figures one policy achieved on one trace.
public struct SimulationResult: Sendable, Equatable {
    public var policy: String
    public var trace: String
    public var jobs: Int
    /// Busy slot-seconds / (worker-seconds x concurrency); boot time counts as paid idle.
    public var utilization: Double
    /// Share of jobs whose completion came later than the deadline after arrival.
    public var deadlineMisses: Double
    public var workerSeconds: Double
    public var maxQueueWait: Double
    public var p99Latency: Double
    public var peakWorkers: Int
    /// Workers and queue at every poll of the policy, for plots and for tuning.
    public var timeline: [TimelinePoint] = []
}

/// The state of the simulated role at one poll.
public struct TimelinePoint: Sendable, Equatable {
    public var time: Double
    public var workers: Int
    public var running: Int
    public var messages: Int
    public var publishRate: Double
}

/// Discrete-event simulation of one role: a FIFO queue, workers that boot for
/// `boot` seconds and then run `concurrency` jobs at once with log-normal
/// processing times, and a policy polled at its own interval.
///
/// Scale-down stops booting workers first, then idle ones, then lets busy ones
/// finish their jobs (graceful drain), as the real formation does.
public struct Simulation: Sendable {
    public var config: RoleConfig
    public var seed: UInt64
    /// Window over which publish/ack rates are averaged (RabbitMQ samples every 5 s).
    public var rateWindow: Double = 5
    /// Real processing time / configured processing time: policies plan with the
    /// config, workers take this much longer (or shorter), to test how a policy
    /// copes with a wrong `processing` setting.
    public var processingFactor: Double

    public init(config: RoleConfig, seed: UInt64 = 1, processingFactor: Double = 1) {
        self.config = config
        self.seed = seed
        self.processingFactor = processingFactor
    }

    enum Event: Sendable {
        case arrival(Int)
        case completion(worker: Int, arrival: Double)
        case ready(worker: Int)
        case poll
    }

    struct Worker {
        var startedAt: Double
        var readyAt: Double
        var stoppedAt: Double?
        var busy = 0
        var draining = false
        var running: Bool { stoppedAt == nil && !draining }
    }

    /// Replay `trace` under `policy`; the figures come from the same seed every time.
    public func run<P: SimulatedPolicy>(_ policy: P, trace: ArrivalTrace) -> SimulationResult {
        var policy = policy
        var rng = SplitMix64(seed: seed)
        var events = EventQueue<Event>()
        var workers: [Worker] = []
        var queue: [Double] = [] // arrival times of waiting jobs
        var head = 0
        var acks: [Double] = []
        var latencies: [Double] = []
        latencies.reserveCapacity(trace.arrivals.count)
        var maxWait = 0.0
        var busySlotSeconds = 0.0
        var runningSlotSeconds = 0.0
        var lastTime = 0.0
        var snapshotBusy = 0.0
        var snapshotSlots = 0.0
        var peak = 0
        var timeline: [TimelinePoint] = []

        var active: [Int] = [] // workers not yet stopped (running, booting or draining)
        func alive() -> [Int] { active.filter { !workers[$0].draining } }
        func stop(_ w: Int, at t: Double) {
            workers[w].stoppedAt = t
            active.removeAll { $0 == w }
        }

        func advance(to t: Double) {
            let dt = t - lastTime
            if dt > 0 {
                var busy = 0
                var slots = 0
                for i in active where workers[i].readyAt <= lastTime {
                    let w = workers[i]
                    busy += w.busy
                    if !w.draining { slots += config.concurrency } else { slots += w.busy }
                }
                busySlotSeconds += Double(busy) * dt
                runningSlotSeconds += Double(slots) * dt
            }
            lastTime = t
        }

        func dispatch(_ t: Double) {
            while head < queue.count {
                var best: Int?
                for i in active where workers[i].running && workers[i].readyAt <= t && workers[i].busy < config.concurrency {
                    if best == nil || workers[i].busy < workers[best!].busy { best = i }
                }
                guard let w = best else { return }
                let arrival = queue[head]
                head += 1
                maxWait = max(maxWait, t - arrival)
                workers[w].busy += 1
                let duration = rng.nextLogNormal(mean: config.processing * processingFactor, stddev: config.stddev * processingFactor)
                events.push(t + duration, .completion(worker: w, arrival: arrival))
            }
        }

        func setWorkers(_ target: Int, at t: Double) {
            var live = alive()
            if target > live.count {
                for _ in live.count..<target {
                    workers.append(Worker(startedAt: t, readyAt: t + config.boot))
                    active.append(workers.count - 1)
                    events.push(t + config.boot, .ready(worker: workers.count - 1))
                }
            } else if target < live.count {
                var remove = live.count - target
                // booting first (newest), then idle, then busy (drain)
                live.sort { a, b in
                    let ka = workers[a].readyAt > t ? 0 : (workers[a].busy == 0 ? 1 : 2)
                    let kb = workers[b].readyAt > t ? 0 : (workers[b].busy == 0 ? 1 : 2)
                    return ka != kb ? ka < kb : a > b
                }
                for w in live where remove > 0 {
                    remove -= 1
                    if workers[w].busy == 0 { stop(w, at: t) } else { workers[w].draining = true }
                }
            }
            peak = max(peak, alive().count)
        }

        func rate(_ times: [Double], upTo count: Int, at t: Double) -> Double {
            // times ascending; count those in (t - window, t]
            var lo = 0
            var hi = count
            let from = t - rateWindow
            while lo < hi {
                let mid = (lo + hi) / 2
                if times[mid] <= from { lo = mid + 1 } else { hi = mid }
            }
            // Over the whole window, as RabbitMQ's management API averages its
            // samples: time before the first arrival counts as no traffic. (Dividing
            // by the time elapsed made one arrival at t = 0 a rate of 1e9/s and
            // sent "ours" to its maximum at the first poll.)
            return Double(count - lo) / rateWindow
        }

        setWorkers(config.minimum, at: 0)
        for w in workers.indices { workers[w].readyAt = 0 } // the initial formation is already up
        if !trace.arrivals.isEmpty { events.push(trace.arrivals[0], .arrival(0)) }
        events.push(0, .poll)
        let hardEnd = trace.duration + 4 * 3600
        var arrivalsSeen = 0

        while let (t, event) = events.pop() {
            if t > hardEnd { break }
            advance(to: t)
            switch event {
            case .arrival(let i):
                queue.append(trace.arrivals[i])
                arrivalsSeen = i + 1
                if i + 1 < trace.arrivals.count { events.push(trace.arrivals[i + 1], .arrival(i + 1)) }
                dispatch(t)
            case .completion(let w, let arrival):
                workers[w].busy -= 1
                latencies.append(t - arrival)
                acks.append(t)
                if workers[w].draining && workers[w].busy == 0 { stop(w, at: t) }
                dispatch(t)
            case .ready:
                dispatch(t)
            case .poll:
                let done =
                    arrivalsSeen >= trace.arrivals.count && head >= queue.count
                    && active.allSatisfy { workers[$0].busy == 0 }
                if done && t >= trace.duration { break }
                let ready = queue.count - head
                let unacked = active.reduce(0) { $0 + workers[$1].busy }
                let consumers = active.filter { workers[$0].running && workers[$0].readyAt <= t }.count
                let utilization =
                    runningSlotSeconds - snapshotSlots > 0
                    ? (busySlotSeconds - snapshotBusy) / (runningSlotSeconds - snapshotSlots) : 0
                snapshotBusy = busySlotSeconds
                snapshotSlots = runningSlotSeconds
                let observation = QueueObservation(
                    messages: ready + unacked, ready: ready, unacknowledged: unacked, consumers: consumers,
                    publishRate: rate(trace.arrivals, upTo: arrivalsSeen, at: t),
                    ackRate: rate(acks, upTo: acks.count, at: t))
                timeline.append(
                    TimelinePoint(
                        time: t, workers: alive().count, running: consumers,
                        messages: observation.messages, publishRate: observation.publishRate))
                let snapshot = SimulationSnapshot(time: t, queue: observation, current: alive().count, utilization: utilization)
                if let next = policy.decide(snapshot) {
                    setWorkers(next, at: t)
                    dispatch(t)
                }
                events.push(t + policy.pollInterval, .poll)
            }
        }

        let end = max(trace.duration, lastTime)
        var workerSeconds = 0.0
        for w in workers { workerSeconds += (w.stoppedAt ?? end) - w.startedAt }
        // Boot time is paid but cannot be busy; count it in the denominator.
        let utilization = workerSeconds > 0 ? busySlotSeconds / (workerSeconds * Double(config.concurrency)) : 0
        let unfinished = trace.arrivals.count - latencies.count
        let misses = latencies.filter { $0 > config.deadline }.count + unfinished
        let p99 = Percentiles(latencies).value(at: 99) ?? 0
        return SimulationResult(
            policy: policy.name, trace: trace.name, jobs: trace.arrivals.count,
            utilization: utilization,
            deadlineMisses: trace.arrivals.isEmpty ? 0 : Double(misses) / Double(trace.arrivals.count),
            workerSeconds: workerSeconds, maxQueueWait: maxWait, p99Latency: p99, peakWorkers: peak, timeline: timeline)
    }
}
