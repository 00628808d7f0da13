import ArgumentParser
import Foundation

struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loadtest", abstract: "Generate load against a deployment (see README).")
    func run() async throws {
        throw ValidationError("loadtest is being wired; see README")
    }
}
