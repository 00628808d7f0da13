import ArgumentParser

struct Formation: ParsableCommand {
    func run() throws { throw ValidationError("not yet") }
}
