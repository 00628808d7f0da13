import MsgFlo

/// `msgflo procfile`: a Heroku/foreman Procfile with one `role: command` line per
/// participant of a graph, in graph order.
public enum Procfile {
    /// - Parameters:
    ///   - ignore: roles to leave out (their lines are usually given with `include`).
    ///   - include: lines appended as they are, e.g. `web: imageresize web`.
    /// Routing nodes (`msgflo/RoundRobin`, `msgflo/PubSub`) get no line: they are
    /// bindings, not processes (msgflo's procfile would fail on them).
    public static func generate(graph: Graph, library: ComponentLibrary, ignore: [String] = [], include: [String] = []) throws(ComponentLibraryError)
        -> String
    {
        let filter = RoleFilter(ignore: ignore)
        var lines: [String] = []
        for process in graph.processes where process.isParticipant && filter.includes(process.name) {
            lines.append("\(process.name): \(try library.command(for: process, in: graph))")
        }
        lines.append(contentsOf: include)
        return lines.map { $0 + "\n" }.joined()
    }
}
