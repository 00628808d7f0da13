import MsgFlo

/// Why a component library could not be read or could not produce a command.
public enum ComponentLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidJSON(path: String?, JSONSyntaxError)
    case invalidFormat(path: String?, cause: String)
    /// The graph uses a component the library has no command for.
    case unknownComponent(component: String, role: String, library: String?, known: [String])
    /// A command uses `#FILENAME` but its entry names no file.
    case missingFilename(component: String)
    /// Variables that (indirectly) contain themselves.
    case variableCycle(variable: String)

    public var description: String {
        func prefixed(_ path: String?, _ text: String) -> String { path.map { "\($0): \(text)" } ?? text }
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read the component library: \(reason)"
        case .invalidJSON(let path, let error):
            return prefixed(path, "invalid JSON: \(error)")
        case .invalidFormat(let path, let cause):
            return prefixed(path, "not a component library: \(cause)")
        case .unknownComponent(let component, let role, let library, let known):
            let file = library ?? "the component library"
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "No component \(component) defined for role \(role) in \(file) (it defines: \(list)); "
                + "add \"\(component)\": \"command --role #ROLE\" under \"components\""
        case .missingFilename(let component):
            return "component \(component) uses #FILENAME but its entry has no \"filename\"; write {\"command\": ..., \"filename\": ...}"
        case .variableCycle(let variable):
            return "variable #\(variable) refers to itself (directly or through other variables); break the cycle"
        }
    }
}
