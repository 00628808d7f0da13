import Foundation

/// The standard line-up of policies and the table that compares them.
public enum SimulationReport {
    public static let columns = [
        "policy", "jobs", "utilization %", "deadline misses %",
        "worker-seconds", "max queue wait s", "p99 latency s", "peak workers",
    ]

    /// guv, ours, HPA at 50% and 80% utilization targets, KEDA queue length 20.
    public static func policies(for config: RoleConfig, predictive: PredictiveEstimate = PredictiveEstimate()) -> [any SimulatedPolicy] {
        var guv = config
        guv.policy = .guv
        var ours = config
        ours.policy = .predictive
        return [
            RoleScalerPolicy(name: "guv", config: guv),
            RoleScalerPolicy(name: "ours", config: ours, predictive: predictive),
            HPAPolicy(target: 0.5, minimum: config.minimum, maximum: config.maximum),
            HPAPolicy(target: 0.8, minimum: config.minimum, maximum: config.maximum),
            KEDAPolicy(queueLengthPerReplica: 20, minimum: config.minimum, maximum: config.maximum),
        ]
    }

    /// Every standard policy on one trace, same seed for each, so rows are comparable.
    public static func run(
        config: RoleConfig, trace: ArrivalTrace, seed: UInt64,
        predictive: PredictiveEstimate = PredictiveEstimate(),
        processingFactor: Double = 1
    ) -> [SimulationResult] {
        let simulation = Simulation(config: config, seed: seed, processingFactor: processingFactor)
        return policies(for: config, predictive: predictive).map { policy in
            simulation.run(policy, trace: trace)
        }
    }

    /// A fixed-width text table, one row per policy.
    public static func table(_ results: [SimulationResult]) -> String {
        let rows = results.map { r in
            [
                r.policy, "\(r.jobs)", String(format: "%.1f", r.utilization * 100),
                String(format: "%.2f", r.deadlineMisses * 100), String(format: "%.0f", r.workerSeconds),
                String(format: "%.1f", r.maxQueueWait), String(format: "%.1f", r.p99Latency), "\(r.peakWorkers)",
            ]
        }
        var widths = columns.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0
                    ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }
        var out = "trace: \(results.first?.trace ?? "-")\n" + line(columns) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
