import ArgumentParser

struct Estimate: ParsableCommand {
    func run() throws { throw ValidationError("not yet") }
}
