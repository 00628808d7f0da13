import ArgumentParser
import Foundation
import MsgFlo
import MsgFloGraph

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "Parse a .fbp or .json graph and print it as canonical JSON (or .fbp).")

    @Argument(help: "Graph file (.fbp or .json).") var file: String
    @Flag(help: "Print .fbp instead of JSON.") var fbp = false
    @Flag(help: "Keep port names' case (.fbp files).") var caseSensitive = false

    func run() throws {
        let graph = try Graph.load(path: file, caseSensitive: caseSensitive)
        print(try graph.text(format: fbp ? .fbp : .json), terminator: "")
    }
}

struct ProcfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "procfile", abstract: "Print a Procfile with one line per participant of a graph.")

    @Argument(help: "Graph file (.fbp or .json).") var graph: String
    @Option(help: "Component library (components to commands).") var library = "graphs/components.json"
    @Option(help: "Role to leave out (repeatable).") var ignore: [String] = []
    @Option(help: "Extra line to append, e.g. 'release: ...' (repeatable).") var include: [String] = []

    func run() throws {
        let graph = try Graph.load(path: graph)
        let library = try ComponentLibrary.load(path: library)
        print(try Procfile.generate(graph: graph, library: library, ignore: ignore, include: include), terminator: "")
    }
}
