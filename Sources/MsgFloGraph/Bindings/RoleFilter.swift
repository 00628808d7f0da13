import Foundation
import MsgFlo

/// `--only` / `--ignore` of `msgflo setup` and `msgflo procfile`: which roles of a
/// graph to start.
public struct RoleFilter: Sendable, Hashable {
    /// nil means every role.
    public var only: Set<String>?
    public var ignore: Set<String>

    public init(only: [String]? = nil, ignore: [String] = []) {
        self.only = only.map(Set.init)
        self.ignore = Set(ignore)
    }

    /// From option values as users write them: repeated flags and/or comma lists
    /// (`--ignore a,b --ignore c`). An empty `only` list means no restriction.
    public static func parse(only: [String] = [], ignore: [String] = []) -> RoleFilter {
        func split(_ values: [String]) -> [String] {
            values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let onlyRoles = split(only)
        return RoleFilter(only: onlyRoles.isEmpty ? nil : onlyRoles, ignore: split(ignore))
    }

    public func includes(_ role: String) -> Bool {
        !ignore.contains(role) && (only?.contains(role) ?? true)
    }

    /// The participant processes to start, in graph order. Routing nodes
    /// (`msgflo/RoundRobin`, `msgflo/PubSub`) are never participants. A role in
    /// `only` that the graph lacks is an error, since it is most likely a typo.
    public func participants(of graph: Graph) throws(RoleFilterError) -> [GraphProcess] {
        if let only {
            let known = Set(graph.processes.map(\.name))
            let unknown = only.subtracting(known).sorted()
            if !unknown.isEmpty { throw RoleFilterError(unknownRoles: unknown, knownRoles: graph.processes.map(\.name)) }
        }
        return graph.processes.filter { $0.isParticipant && includes($0.name) }
    }
}

/// `--only` named roles the graph does not have.
public struct RoleFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    public var unknownRoles: [String]
    public var knownRoles: [String]

    public var description: String {
        "--only names roles not in the graph: \(unknownRoles.joined(separator: ", ")); the graph has: \(knownRoles.joined(separator: ", "))"
    }
}
