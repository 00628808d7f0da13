import TestSupport
import Testing

@testable import Guv

@Suite("Guv decisions", .logsOnFailure)
struct DecisionTests {
    static func role(_ yaml: String, _ name: String = "r") -> RoleConfig {
        try! ConfigLoader.load(yaml, environment: [:]).role(named: name)!
    }

    /// guv.md's worked examples and guv 0.3's spec/scaletests.yaml (the originals that
    /// wrote `{p:60, ...}` ran with the default p = 10 because of the YAML quirk; the
    /// configs below say what guv actually used).
    static let guvCases: [(String, Int, Int?, [Int], Int?)] = [
        // config, messages, current, history, expected next
        ("r: {p: 10, stddev: 5, deadline: 60, max: 40}", 40, nil, [], 11),
        ("r: {p: 10, stddev: 5, deadline: 60, max: 40, concurrency: 3}", 40, nil, [], 4),
        ("'*': {min: 3}\nr: {}", 0, nil, [], 3),
        ("'*': {max: 40}\nr: {}", 10000, nil, [], 40),
        ("'*': {min: 0}\nr: {p: 60, deadline: 240}", 1000, nil, [], 5),
        ("'*': {min: 0, max: 4}\nr: {deadline: 240}", 10, 4, [4, 4, 0], nil),
        ("'*': {min: 0, max: 4}\nr: {deadline: 240}", 10, 4, [0, 0, 0], 1),
        ("'*': {min: 0, max: 4}\nr: {deadline: 240}", 10, 4, [4, 1, 4, 2], nil),
        ("'*': {min: 0, max: 4}\nr: {deadline: 240}", 40, 3, [1, 2, 1], 2),
        ("'*': {min: 0, max: 4}\nr: {deadline: 240}", 0, 12, [10, 9, 8], 10),
        ("'*': {min: 0, max: 4}\nr: {processing: 60, deadline: 61}", 40, 0, [1, 2, 1], 4),
        ("'*': {min: 0, max: 4}\nr: {processing: 25, stddev: 12, deadline: 50}", 40, 0, [1, 2, 1], 4),
        ("'*': {max: 40, deadline: 90}\nr: {concurrency: 1}", 5, nil, [], 1),
        ("'*': {max: 40, deadline: 90}\nr: {concurrency: 3}", 5, nil, [], 1),
    ]

    @Test("guv's estimate and hysteresis", arguments: guvCases)
    func guvExact(_ yaml: String, _ messages: Int, _ current: Int?, _ history: [Int], _ expected: Int?) {
        var scaler = RoleScaler(config: Self.role(yaml), history: history)
        #expect(scaler.windowSize >= history.count)
        let decision = scaler.decide(queue: QueueObservation(messages: messages), current: current)
        #expect(decision.next == expected)
    }

    @Test func guvProportionalIsUnrounded() {
        let config = Self.role("r: {p: 10, stddev: 5, deadline: 60}")
        let raw = GuvEstimate.proportional(messages: 40, config: config)
        #expect(abs(raw - 400 / (60 - 2.3263478740 * 5 - 10)) < 1e-6)
        #expect(GuvEstimate.workers(messages: 40, config: config) == 5) // default maximum
    }

    static let hysteresis: [(Int, Int?, [Int], Int?)] = [
        (3, nil, [9], 3), // unknown current: set the estimate
        (5, 2, [1, 1], 5), // up at once
        (2, 2, [5], nil), // same: keep
        (1, 4, [], 1), // no history: follow the estimate
        (1, 4, [3, 2], 3), // down only to the highest recent estimate
        (1, 4, [4, 2], nil), // highest recent equals current: keep
        (3, 4, [2, 3], 3), // estimate not below history: go to the estimate
    ]

    @Test("hysteresis", arguments: hysteresis)
    func hysteresisTable(_ estimate: Int, _ current: Int?, _ history: [Int], _ expected: Int?) {
        #expect(Hysteresis.next(estimate: estimate, current: current, history: history) == expected)
    }

    @Test func guvWindowIsHistoryOverPollinterval() {
        var scaler = RoleScaler(config: Self.role("'*': {pollinterval: 30, history: 90, min: 0, max: 10}\nr: {}"))
        #expect(scaler.windowSize == 3)
        // 40 messages -> 10 workers; then quiet polls: held at 10 for 3 iterations.
        var current = 0
        var seen: [Int] = []
        for messages in [1000, 0, 0, 0, 0] {
            let d = scaler.decide(queue: QueueObservation(messages: messages), current: current)
            current = d.next ?? current
            seen.append(current)
        }
        #expect(seen == [10, 10, 10, 10, 0])
    }

    /// Our policy on the image-resize role: rate per worker = 2 / 0.15 = 13.3 jobs/s,
    /// wait budget (target - processing) * 0.5 = 14.8 s, boot 2 s, poll 5 s.
    static let resize = role(
        """
        '*': {pollinterval: 5}
        r: {concurrency: 2, processing: 0.15, deadline: 30, min: 1, max: 6, boot: 2, policy: predictive}
        """)

    static let predictive: [(String, QueueObservation, Int, Int)] = [
        ("idle queue stays at the minimum", QueueObservation(messages: 0, consumers: 1), 1, 1),
        ("fractional steady load is absorbed by the queue", QueueObservation(messages: 10, consumers: 2, publishRate: 20), 2, 1),
        // 150 + 6.7/s * (2 + 5) s = 197 jobs = 14.75 s for one worker: still inside 14.84 s.
        ("load above one worker, backlog still inside the budget", QueueObservation(messages: 150, consumers: 1, publishRate: 20), 1, 1),
        // 200 -> 247 jobs = 18.5 s for one worker: too late; two drain it.
        ("load above one worker that the queue cannot absorb", QueueObservation(messages: 200, consumers: 1, publishRate: 20), 1, 2),
        // 50 + 46.7/s * 2 s = 143 at boot; 2 workers: 310 by the next poll = 11.6 s.
        ("burst: short queue, fill rate far above capacity", QueueObservation(messages: 50, consumers: 1, publishRate: 60), 1, 2),
        // 300 + 33.3/s * 2 s = 367; 2 workers: 533 = 20 s (late); 3 workers: 467 = 11.7 s.
        ("burst continues", QueueObservation(messages: 300, consumers: 2, publishRate: 60), 2, 3),
        ("burst beyond the maximum is capped", QueueObservation(messages: 2000, consumers: 1, publishRate: 300), 1, 6),
        // 573 jobs left at boot: 3 workers would do it in 14.3 s but today's tail then
        // waits 2 + 14.3 s > 14.84 s; 4 workers: 2 + 10.75 s.
        ("backlog only, no arrivals", QueueObservation(messages: 600, consumers: 1, publishRate: 0), 1, 4),
    ]

    @Test("our policy", arguments: predictive)
    func ours(_ note: String, _ queue: QueueObservation, _ running: Int, _ expected: Int) {
        let workers = PredictiveEstimate().workers(queue: queue, running: running, config: Self.resize)
        #expect(workers == expected, "\(note)")
    }

    @Test func oursReactsToABurstBeforeGuvDoes() {
        var guvConfig = Self.resize
        guvConfig.policy = .guv
        let burst = QueueObservation(messages: 50, consumers: 1, publishRate: 60)
        #expect(GuvEstimate.workers(messages: burst.messages, config: guvConfig) == 1)
        #expect(PredictiveEstimate().workers(queue: burst, running: 1, config: Self.resize) > 1)
    }

    @Test func oursKeepsWorkersForABootTimeBeforeScalingDown() {
        var config = Self.resize
        config.boot = 20
        var scaler = RoleScaler(config: config)
        #expect(scaler.windowSize == 5) // ceil(20 / 5) + 1
        let up = scaler.decide(queue: QueueObservation(messages: 2000, consumers: 1, publishRate: 100), current: 1)
        #expect(up.next == 6)
        let quiet = scaler.decide(queue: QueueObservation(messages: 0, consumers: 6), current: 6)
        #expect(quiet.estimate == 1 && quiet.next == nil)
    }

    @Test func slowBootForbidsUnderProvisioning() {
        // The fractional load that one worker plus the queue absorbs with a 2 s boot
        // (see the table) needs two workers when a new one takes 30 s: the backlog
        // would reach the budget (197 jobs at 6.7/s: 30 s) within two boot times.
        var slow = Self.resize
        slow.boot = 30
        let queue = QueueObservation(messages: 10, consumers: 2, publishRate: 20)
        #expect(PredictiveEstimate().workers(queue: queue, running: 2, config: Self.resize) == 1)
        #expect(PredictiveEstimate().workers(queue: queue, running: 2, config: slow) == 2)
        #expect(PredictiveEstimate(growthBoots: 0).workers(queue: queue, running: 2, config: slow) == 1)
    }

    /// Configured: 2 / 0.15 = 13.33 jobs/s per worker.
    static let rates: [(QueueObservation, Int, Bool, Double)] = [
        (QueueObservation(messages: 100, consumers: 2, ackRate: 20), 2, true, 10), // saturated and slower: measured
        (QueueObservation(messages: 100, consumers: 2, ackRate: 25), 2, true, 40.0 / 3), // within 10%: config
        (QueueObservation(messages: 100, consumers: 2, ackRate: 20), 2, false, 40.0 / 3), // consumers just changed
        (QueueObservation(messages: 2, unacknowledged: 2, consumers: 2, ackRate: 5), 2, true, 40.0 / 3), // not saturated
        (QueueObservation(messages: 100, consumers: 0, ackRate: 0), 0, true, 40.0 / 3), // nobody consuming
    ]

    @Test("worker rate: measured when saturated and clearly slower", arguments: rates)
    func effectiveRate(_ queue: QueueObservation, _ running: Int, _ steady: Bool, _ expected: Double) {
        let rate = PredictiveEstimate.effectiveRate(queue: queue, running: running, config: Self.resize, steadyConsumers: steady)
        #expect(abs(rate - expected) < 1e-9)
    }

    @Test func aSlowerMeasuredRateAsksForMoreWorkers() {
        var scaler = RoleScaler(config: Self.resize)
        // 300 jobs, 26/s in: 2 workers at 13.3/s each keep up (11.2 s); at 10/s each the
        // backlog reaches 342 jobs = 17.1 s by the next poll, so 3 workers.
        let queue = QueueObservation(messages: 300, consumers: 2, publishRate: 26, ackRate: 20)
        let first = scaler.decide(queue: queue, current: 2) // no previous poll: plans with the config
        let second = scaler.decide(queue: queue, current: 2) // same consumers: trusts 10 jobs/s per worker
        #expect(first.estimate == 2 && second.estimate == 3)
    }

    @Test func projectionNeverGoesNegative() {
        #expect(PredictiveEstimate.project(backlog: 10, fill: 0, drain: 100, seconds: 5) == 0)
        #expect(PredictiveEstimate.project(backlog: 10, fill: 20, drain: 10, seconds: 2) == 30)
    }
}
