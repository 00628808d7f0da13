import Foundation
import MsgFlo

/// Maps component names to the command that starts a participant of that
/// component: the Swift project's equivalent of msgflo's `package.json`
/// `msgflo.components` / `msgflo.variables`, kept in `graphs/components.json`:
///
///     {"components": {"imageresize/ResizeImage": "#BIN resize --role #ROLE"},
///      "variables": {"BIN": "imageresize"}}
///
/// Markers: `#ROLE` (the process name), `#COMPONENT` (`imageresize/ResizeImage`),
/// `#COMPONENTNAME` (`ResizeImage`), `#FILENAME` (the entry's `filename`),
/// `#IIPS` (the role's initial packets as shell-quoted JSON `'{"port":data}'`),
/// and `#NAME` for each variable (names are upper-cased, as in msgflo).
public struct ComponentLibrary: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var command: String
        /// The participant's source file, for `#FILENAME` (msgflo's per-file handlers).
        public var filename: String?

        public init(command: String, filename: String? = nil) {
            self.command = command
            self.filename = filename
        }
    }

    public var components: [String: Entry]
    public var variables: [String: String]
    /// The file it came from, named in error messages.
    public var source: String?

    public init(components: [String: Entry] = [:], variables: [String: String] = [:], source: String? = nil) {
        self.components = components
        self.variables = variables
        self.source = source
    }

    /// Reads the library JSON; a `package.json`-style `{"msgflo": {...}}` wrapper is accepted too.
    public init(jsonText: String, source: String? = nil) throws(ComponentLibraryError) {
        let json: OrderedJSON
        do { json = try OrderedJSON(parsing: jsonText) } catch { throw .invalidJSON(path: source, error) }
        guard json.members != nil else {
            throw .invalidFormat(path: source, cause: "the library must be a JSON object with \"components\"")
        }
        var root = json
        if let wrapped = root["msgflo"], wrapped.members != nil { root = wrapped }
        var components: [String: Entry] = [:]
        if let list = root["components"] {
            guard let members = list.members else { throw .invalidFormat(path: source, cause: "\"components\" must be an object of name -> command") }
            for (name, value) in members {
                switch value {
                case .string(let command):
                    components[name] = Entry(command: command)
                case .object:
                    guard case .string(let command)? = value["command"] else {
                        throw .invalidFormat(path: source, cause: "components.\(name).command must be a string")
                    }
                    var filename: String?
                    if let file = value["filename"] {
                        guard case .string(let text) = file else {
                            throw .invalidFormat(path: source, cause: "components.\(name).filename must be a string")
                        }
                        filename = text
                    }
                    components[name] = Entry(command: command, filename: filename)
                default:
                    throw .invalidFormat(path: source, cause: "components.\(name) must be a command string or {\"command\", \"filename\"}")
                }
            }
        }
        var variables: [String: String] = [:]
        if let list = root["variables"] {
            guard let members = list.members else { throw .invalidFormat(path: source, cause: "\"variables\" must be an object of NAME -> text") }
            for (name, value) in members {
                guard case .string(let text) = value else { throw .invalidFormat(path: source, cause: "variables.\(name) must be a string") }
                variables[name.uppercased()] = text
            }
        }
        self.init(components: components, variables: variables, source: source)
    }

    public static func load(path: String) throws(ComponentLibraryError) -> ComponentLibrary {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try ComponentLibrary(jsonText: text, source: path)
    }

    /// The entry for a component: exact name first, then by the part after the last
    /// `/` (msgflo's lookup), so `lib/Repeat` in a graph finds `Repeat` and vice versa.
    public func entry(for component: String) -> (name: String, entry: Entry)? {
        if let entry = components[component] { return (component, entry) }
        let base = Self.baseName(component)
        if let entry = components[base] { return (base, entry) }
        let matches = components.keys.filter { Self.baseName($0) == base }.sorted()
        if matches.count == 1 { return (matches[0], components[matches[0]]!) }
        return nil
    }

    /// The start command of `process` under `role`, with the role's IIPs from `graph`.
    public func command(for process: GraphProcess, role: String, graph: Graph) throws(ComponentLibraryError) -> String {
        try command(component: process.component, role: role, iips: graph.initialPackets(for: role))
    }

    /// The start command of a process, its name being its role.
    public func command(for process: GraphProcess, in graph: Graph) throws(ComponentLibraryError) -> String {
        try command(for: process, role: process.name, graph: graph)
    }

    public func command(component: String, role: String, iips: [(port: String, data: JSONValue)] = []) throws(ComponentLibraryError) -> String {
        guard let (_, entry) = entry(for: component) else {
            throw .unknownComponent(component: component, role: role, library: source, known: components.keys.sorted())
        }
        var markers: [String: CommandTemplate.Value] = variables.mapValues { .template($0) }
        let componentName = component.split(separator: "/", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
        markers["COMPONENTNAME"] = .literal(componentName.flatMap { $0.isEmpty ? nil : $0 } ?? component)
        markers["COMPONENT"] = .literal(component)
        markers["ROLE"] = .literal(role)
        markers["IIPS"] = .literal(CommandTemplate.shellQuoted(OrderedJSON.object(iips.map { ($0.port, OrderedJSON(sorted: $0.data)) }).rendered()))
        if let filename = entry.filename {
            markers["FILENAME"] = .literal(filename)
        } else if entry.command.contains("#FILENAME") {
            throw .missingFilename(component: component)
        }
        return try CommandTemplate.expand(entry.command, markers: markers)
    }

    private static func baseName(_ component: String) -> String {
        component.split(separator: "/").last.map(String.init) ?? component
    }
}
