import ArgumentParser
import Foundation
import Guv

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a config: every problem with its role and key; print the resolved roles.")

    @OptionGroup var config: ConfigOptions

    func run() throws {
        let guv: GuvConfig
        do {
            guv = try config.load()
        } catch let error as ConfigError {
            print(error.description)
            throw ExitCode(1)
        }
        for role in guv.roles {
            print(
                String(
                    format:
                        "%@: queue %@, worker %@, app %@, policy %@, processing %.3fs ± %.3f, deadline %.1fs @ %.0f%% -> target %.2fs, concurrency %d, workers %d..%d, boot %.1fs",
                    role.name, role.queue, role.worker, role.app ?? "(GUV_APP unset)", role.policy.rawValue,
                    role.processing, role.stddev, role.deadline, role.percentile, role.target,
                    role.concurrency, role.minimum, role.maximum, role.boot))
        }
        print(String(format: "poll every %.0fs, scale-down history %.0fs (%d iterations)", guv.pollinterval, guv.history, guv.global.historySize))
        for warning in guv.warnings { print("warning: \(warning)") }
        print(guv.warnings.isEmpty ? "config OK" : "config OK with \(guv.warnings.count) warning(s)")
    }
}
