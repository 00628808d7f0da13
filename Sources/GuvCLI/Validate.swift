import ArgumentParser

struct Validate: ParsableCommand {
    func run() throws { throw ValidationError("not yet") }
}
