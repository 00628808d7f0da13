import ArgumentParser
import Foundation
import Guv

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the worker count a role's policy would set for a given queue.")

    @OptionGroup var config: ConfigOptions

    @Argument(help: "Role name in the config.")
    var role: String

    @Option(help: "Messages in the queue (ready + unacknowledged).")
    var messages: Int

    @Option(help: "Workers running now (unknown if omitted: the estimate is set).")
    var current: Int?

    @Option(help: "Previous estimates, oldest first, comma-separated.")
    var history: String?

    @Option(help: "Publish rate, messages/s (our policy).")
    var publishRate: Double = 0

    @Option(help: "Consumers on the queue now (our policy; default: current).")
    var consumers: Int?

    func run() throws {
        let guv = try config.load()
        guard let roleConfig = guv.role(named: role) else {
            throw ValidationError("no role '\(role)' in the config; roles: \(guv.roles.map(\.name).joined(separator: ", "))")
        }
        let past = try (history ?? "").split(separator: ",").map { item -> Int in
            guard let value = Int(item.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--history takes integers separated by commas, got '\(item)'")
            }
            return value
        }
        var scaler = RoleScaler(config: roleConfig, history: past)
        let queue = QueueObservation(messages: messages, consumers: consumers ?? current ?? 0, publishRate: publishRate)
        let decision = scaler.decide(queue: queue, current: current)
        if let next = decision.next {
            print("\(role): set \(next) workers (estimate \(decision.estimate), policy \(roleConfig.policy.rawValue))")
        } else {
            print("\(role): keep the current \(current ?? 0) workers (estimate \(decision.estimate), policy \(roleConfig.policy.rawValue))")
        }
    }
}
