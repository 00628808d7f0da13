import Foundation

/// A Procfile: `type: command` lines, in order (the process types the formation runs).
public struct Procfile: Equatable, Sendable {
    public var entries: [(type: String, command: String)]

    public static func == (a: Procfile, b: Procfile) -> Bool {
        a.entries.map(\.type) == b.entries.map(\.type) && a.entries.map(\.command) == b.entries.map(\.command)
    }

    public init(entries: [(type: String, command: String)]) { self.entries = entries }

    public func command(for type: String) -> String? { entries.first { $0.type == type }?.command }

    /// Parse `type: command` lines; duplicate or malformed types are errors with line numbers.
    public static func parse(_ text: String) throws(LocalFormationError) -> Procfile {
        var entries: [(String, String)] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw LocalFormationError("Procfile line \(number + 1): expected `type: command`, got '\(line)'")
            }
            let type = line[..<colon].trimmingCharacters(in: .whitespaces)
            let command = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !command.isEmpty else {
                throw LocalFormationError("Procfile line \(number + 1): process type must be [A-Za-z0-9_-]+ followed by a command")
            }
            if entries.contains(where: { $0.0 == type }) {
                throw LocalFormationError("Procfile line \(number + 1): process type '\(type)' defined twice")
            }
            entries.append((type, command))
        }
        return Procfile(entries: entries)
    }
}

/// A Procfile or scaling request the local formation cannot honour, with the fix.
public struct LocalFormationError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
