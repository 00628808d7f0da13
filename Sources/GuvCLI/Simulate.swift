import ArgumentParser
import Foundation
import Guv

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay arrival traces against guv's policy, ours, HPA and KEDA; print a table per trace.")

    @OptionGroup var config: ConfigOptions

    @Option(help: "Role of the config to simulate (default: the first).")
    var role: String?

    @Option(help: "steady, spike, ramp, diurnal, all, or a file of arrival timestamps.")
    var trace: String = "all"

    @Option(help: "Seed of the random generator (arrivals and processing times).")
    var seed: UInt64 = 1

    @Option(help: "Override the role's boot time, seconds.")
    var boot: Double?

    @Option(help: "Our policy: fraction of the wait budget the projected backlog may use.")
    var safety: Double = PredictiveEstimate().safety

    @Option(help: "Our policy: scale-down look-back, iterations.")
    var downscaleWindow: Int = PredictiveEstimate().downscaleWindow

    @Option(help: "Our policy: under-provision only while the backlog takes this many boot times to fill the budget.")
    var growthBoots: Double = PredictiveEstimate().growthBoots

    @Option(help: "Real processing time as a multiple of the configured one (policies plan with the config).")
    var processingFactor: Double = 1

    @Option(help: "Also print the workers/queue timeline of this policy (e.g. ours) at every poll.")
    var timeline: String?

    func run() throws {
        var roleConfig: RoleConfig
        if config.file == nil && config.text == nil && ProcessInfo.processInfo.environment["GUV_CONFIG"] == nil {
            roleConfig = try ConfigLoader.load(SimulationDefaults.resizeConfig, environment: [:]).roles[0]
        } else {
            let loaded = try config.load()
            guard let chosen = role.map({ loaded.role(named: $0) }) ?? loaded.roles.first else {
                throw ValidationError("no role '\(role ?? "")' in the config")
            }
            roleConfig = chosen
        }
        if let boot { roleConfig.boot = boot }
        let predictive = PredictiveEstimate(safety: safety, downscaleWindow: downscaleWindow, growthBoots: growthBoots)
        let rate = PredictiveEstimate.workerRate(roleConfig)
        let traces: [ArrivalTrace]
        if trace == "all" {
            traces = ArrivalTrace.Shape.allCases.map { ArrivalTrace.generate($0, workerRate: rate, seed: seed) }
        } else if let shape = ArrivalTrace.Shape(rawValue: trace) {
            traces = [ArrivalTrace.generate(shape, workerRate: rate, seed: seed)]
        } else {
            traces = [try ArrivalTrace.load(path: trace)]
        }
        print(
            String(
                format: "role %@: processing %.3fs (stddev %.3f), concurrency %d, deadline %.0fs, boot %.1fs, workers %d..%d, poll %.0fs, seed %llu",
                roleConfig.name, roleConfig.processing, roleConfig.stddev, roleConfig.concurrency,
                roleConfig.deadline, roleConfig.boot, roleConfig.minimum, roleConfig.maximum, roleConfig.pollinterval, seed))
        if processingFactor != 1 {
            print(String(format: "workers really take %.2fx the configured processing time", processingFactor))
        }
        for trace in traces {
            print("")
            let results = SimulationReport.run(
                config: roleConfig, trace: trace, seed: seed, predictive: predictive,
                processingFactor: processingFactor)
            print(SimulationReport.table(results), terminator: "")
            if let name = timeline, let chosen = results.first(where: { $0.policy == name }) {
                print("time s, workers, running, messages, publish/s  (\(name))")
                for p in chosen.timeline {
                    print(String(format: "%.0f, %d, %d, %d, %.1f", p.time, p.workers, p.running, p.messages, p.publishRate))
                }
            }
        }
    }
}
