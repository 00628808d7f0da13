import Foundation
import TestSupport
import Testing

@testable import Guv

@Suite("Policy simulator", .logsOnFailure)
struct SimulatorTests {
    static let resize = try! ConfigLoader.load(SimulationDefaults.resizeConfig, environment: [:]).roles[0]

    @Test func sameSeedSameFigures() {
        let trace = ArrivalTrace.generate(.spike, workerRate: PredictiveEstimate.workerRate(Self.resize), seed: 7)
        let again = ArrivalTrace.generate(.spike, workerRate: PredictiveEstimate.workerRate(Self.resize), seed: 7)
        #expect(trace.arrivals == again.arrivals)
        let a = SimulationReport.run(config: Self.resize, trace: trace, seed: 7)
        let b = SimulationReport.run(config: Self.resize, trace: trace, seed: 7)
        #expect(a == b)
        let other = ArrivalTrace.generate(.spike, workerRate: PredictiveEstimate.workerRate(Self.resize), seed: 8)
        #expect(other.arrivals != trace.arrivals)
    }

    @Test func tableHasTheExpectedColumnsAndARowPerPolicy() {
        let trace = ArrivalTrace.generate(.steady, workerRate: 5, seed: 1)
        let results = SimulationReport.run(config: Self.resize, trace: trace, seed: 1)
        let table = SimulationReport.table(results)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0] == "trace: steady")
        for column in ["policy", "utilization %", "deadline misses %", "worker-seconds", "max queue wait s"] {
            #expect(lines[1].contains(column))
        }
        #expect(results.map(\.policy) == ["guv", "ours", "hpa-50%", "hpa-80%", "keda-q20"])
        #expect(lines.count == 3 + results.count)
    }

    /// The issue's goal for our policy on the spike trace (figures are simulated, so
    /// deterministic: this guards the tuning, it does not time anything).
    @Test func oursMeetsTheSpikeTarget() throws {
        let trace = ArrivalTrace.generate(.spike, workerRate: PredictiveEstimate.workerRate(Self.resize), seed: 1)
        let results = SimulationReport.run(config: Self.resize, trace: trace, seed: 1)
        let ours = try #require(results.first { $0.policy == "ours" })
        #expect(ours.utilization >= 0.9)
        #expect(ours.deadlineMisses <= 0.01)
        #expect(ours.jobs == trace.arrivals.count)
    }

    @Test func conservationAndBounds() {
        let trace = ArrivalTrace(name: "two", arrivals: [0, 0.1, 50], duration: 60)
        var config = Self.resize
        config.boot = 0
        let r = Simulation(config: config, seed: 3).run(RoleScalerPolicy(name: "guv", config: config), trace: trace)
        #expect(r.jobs == 3 && r.deadlineMisses == 0)
        #expect(r.utilization > 0 && r.utilization < 1)
        #expect(r.workerSeconds >= 60) // the minimum worker runs the whole trace
        #expect(r.maxQueueWait == 0) // one idle worker with two slots
    }

    /// The first poll comes right after the first arrival: its publish rate is
    /// one message over the rate window, not over the microseconds elapsed.
    @Test func theFirstPollSeesAModestRate() throws {
        let trace = ArrivalTrace(name: "trickle", arrivals: [0, 10, 20, 30], duration: 40)
        let results = SimulationReport.run(config: Self.resize, trace: trace, seed: 1)
        let ours = try #require(results.first { $0.policy == "ours" })
        #expect(ours.timeline.allSatisfy { $0.publishRate <= 1 }, "\(ours.timeline.prefix(3))")
        #expect(ours.peakWorkers == 1)
    }

    @Test func aSlowPolicyMissesDeadlines() {
        // One worker, no scaling: a burst it cannot serve in 30 s must show misses.
        var config = Self.resize
        config.maximum = 1
        let trace = ArrivalTrace(name: "burst", arrivals: (0..<2000).map { Double($0) * 0.005 }, duration: 10)
        let r = Simulation(config: config, seed: 1).run(RoleScalerPolicy(name: "guv", config: config), trace: trace)
        #expect(r.deadlineMisses > 0.5)
        #expect(r.maxQueueWait > 30)
    }

    @Test func hpaFollowsUtilizationAndStabilizesDownscale() {
        var hpa = HPAPolicy(target: 0.5, minimum: 1, maximum: 10)
        let q = QueueObservation(messages: 0)
        #expect(hpa.decide(SimulationSnapshot(time: 0, queue: q, current: 2, utilization: 1.0)) == 4)
        #expect(hpa.decide(SimulationSnapshot(time: 15, queue: q, current: 4, utilization: 0.52)) == nil) // within 10%
        #expect(hpa.decide(SimulationSnapshot(time: 30, queue: q, current: 4, utilization: 0.1)) == nil) // stabilized at 4
        #expect(hpa.decide(SimulationSnapshot(time: 331, queue: q, current: 4, utilization: 0.1)) == 1)
    }

    @Test func kedaScalesOnQueueLengthPerReplica() {
        var keda = KEDAPolicy(queueLengthPerReplica: 20, minimum: 1, maximum: 6)
        #expect(keda.decide(SimulationSnapshot(time: 0, queue: QueueObservation(messages: 61), current: 1, utilization: 1)) == 4)
        #expect(keda.decide(SimulationSnapshot(time: 0, queue: QueueObservation(messages: 1000), current: 4, utilization: 1)) == 6)
    }

    @Test func traceFileIsShiftedToZero() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guv-trace-\(UUID()).txt").path
        try "# epoch seconds\n1700000010.5\n1700000010\n\n1700000012\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trace = try ArrivalTrace.load(path: path)
        #expect(trace.arrivals == [0, 0.5, 2])
        try "1\nsoon\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SimulationError.self) { try ArrivalTrace.load(path: path) }
    }

    @Test func metricsAndRecordsRender() {
        let record = RoleRecord(
            time: Date(timeIntervalSince1970: 0), role: "resize", app: "local", worker: "resize",
            queue: "resize.IN", policy: .predictive, messages: 12, ready: 10, unacked: 2, consumers: 1,
            publishRate: 3.5, ackRate: 2, estimate: 2, current: 1, new: 2, dryRun: false, error: nil)
        let text = MetricsText.render([record])
        #expect(text.contains("guv_queue_messages{role=\"resize\"} 12.0"))
        #expect(text.contains("guv_target_workers{role=\"resize\"} 2.0"))
        #expect(record.logLine == "role=resize queue=resize.IN messages=12 fill=3.50/s drain=2.00/s consumers=1 estimate=2 current=1 new=2")
        #expect(record.jsonLine.contains(#""publish_rate":3.5"#))
    }
}
