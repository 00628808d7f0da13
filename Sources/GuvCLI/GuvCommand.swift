import ArgumentParser

/// `guv`: queue-driven autoscaling. All logic lives in the Guv library; this file
/// only parses arguments and wires things together.
@main
struct GuvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guv",
        abstract: "Scale worker roles so queued jobs finish within their deadline.",
        subcommands: [Run.self, Validate.self, Estimate.self, Formation.self, Simulate.self])
}
