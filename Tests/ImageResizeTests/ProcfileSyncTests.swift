import Foundation
import MsgFlo
import MsgFloGraph
import TestSupport
import Testing

/// The committed Procfile is what `scripts/procfile` generates from the graph:
/// a graph change without a regenerated Procfile fails here.
@Test(.logsOnFailure) func procfileIsGeneratedFromTheGraph() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    func read(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
    let graph = try Graph.load(path: root.appendingPathComponent("graphs/imageresize.fbp").path)
    let library = try ComponentLibrary.load(path: root.appendingPathComponent("graphs/components.json").path)
    let extra = try read("graphs/procfile-extra").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    let expected = try Procfile.generate(graph: graph, library: library, include: extra)
    #expect(try read("Procfile") == expected, "run scripts/procfile and commit the Procfile")
    for role in ["web", "resize", "store", "release", "guv"] {
        #expect(expected.contains("\n\(role): ") || expected.hasPrefix("\(role): "))
    }
}
