import ArgumentParser

struct Run: ParsableCommand {
    func run() throws { throw ValidationError("not yet") }
}
