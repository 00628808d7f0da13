import MsgFlo

/// A graph JSON document that is valid JSON but not a valid fbp-graph.
public struct GraphFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the document, e.g. `processes.web.component`.
    public var path: String
    public var cause: String

    public init(path: String, cause: String) {
        self.path = path
        self.cause = cause
    }

    public var description: String { path.isEmpty ? cause : "\(path): \(cause)" }
}

extension Graph {
    /// Reads the fbp-graph JSON format (the format of noflo, Flowhub and `fbp --json`).
    public init(json: OrderedJSON) throws(GraphFormatError) {
        guard let root = json.members else { throw GraphFormatError(path: "", cause: "a graph must be a JSON object") }
        self.init()
        for (key, value) in root {
            switch key {
            case "caseSensitive":
                guard case .bool(let flag) = value else { throw GraphFormatError(path: key, cause: "must be true or false") }
                caseSensitive = flag
            case "properties":
                properties = try Self.object(value, at: key)
            case "processes":
                guard let members = value.members else {
                    throw GraphFormatError(path: key, cause: "must be an object of name -> {component, metadata}")
                }
                processes = try members.map { (name, body) throws(GraphFormatError) in
                    let path = "processes.\(name)"
                    guard body.members != nil else { throw GraphFormatError(path: path, cause: "must be an object with a \"component\"") }
                    guard case .string(let component)? = body["component"] else {
                        throw GraphFormatError(path: path + ".component", cause: "must be the component name as a string")
                    }
                    return GraphProcess(name: name, component: component, metadata: try Self.metadata(body, at: path))
                }
            case "connections":
                guard case .array(let items) = value else { throw GraphFormatError(path: key, cause: "must be an array") }
                connections = try items.enumerated().map { (i, item) throws(GraphFormatError) in
                    try Self.connection(item, at: "connections[\(i)]")
                }
            case "inports", "outports":
                guard let members = value.members else {
                    throw GraphFormatError(path: key, cause: "must be an object of public name -> {process, port}")
                }
                var exports: [String: GraphExport] = [:]
                for (name, body) in members {
                    let path = "\(key).\(name)"
                    let ref = try Self.portRef(body, at: path)
                    exports[name] = GraphExport(process: ref.process, port: ref.port, metadata: try Self.metadata(body, at: path))
                }
                if key == "inports" { inports = exports } else { outports = exports }
            case "groups":
                guard case .array(let items) = value else { throw GraphFormatError(path: key, cause: "must be an array") }
                groups = try items.enumerated().map { (i, item) throws(GraphFormatError) in
                    let path = "groups[\(i)]"
                    guard case .string(let name)? = item["name"] else { throw GraphFormatError(path: path + ".name", cause: "must be a string") }
                    guard case .array(let nodes)? = item["nodes"], let names = Optional(nodes.compactMap { $0.jsonValue.stringValue }),
                        names.count == nodes.count
                    else { throw GraphFormatError(path: path + ".nodes", cause: "must be an array of process names") }
                    return GraphGroup(name: name, nodes: names, metadata: try Self.metadata(item, at: path))
                }
            default:
                continue // Unknown top-level keys (e.g. "exports" of old graphs) are ignored, as noflo does.
            }
        }
    }

    /// Parses graph JSON text; errors say where, either as line/column or as a key path.
    public init(jsonText: String) throws(GraphFileError) {
        let json: OrderedJSON
        do {
            json = try OrderedJSON(parsing: jsonText)
        } catch {
            throw GraphFileError.invalidJSON(path: nil, error)
        }
        do {
            try self.init(json: json)
        } catch {
            throw GraphFileError.invalidGraph(path: nil, error)
        }
    }

    /// Canonical fbp-graph JSON: keys sorted, except that `processes` keep graph order.
    public var json: OrderedJSON {
        var root: [(key: String, value: OrderedJSON)] = []
        root.append(("caseSensitive", .bool(caseSensitive)))
        root.append(("connections", .array(connections.map(Self.json(for:)))))
        root.append(
            (
                "groups",
                .array(
                    groups.map { group in
                        .object([
                            ("metadata", OrderedJSON(sorted: .object(group.metadata))), ("name", .string(group.name)),
                            ("nodes", .array(group.nodes.map(OrderedJSON.string))),
                        ])
                    })
            ))
        root.append(("inports", Self.json(for: inports)))
        root.append(("outports", Self.json(for: outports)))
        root.append(
            (
                "processes",
                .object(
                    processes.map { process in
                        (
                            process.name,
                            .object([
                                ("component", .string(process.component)),
                                ("metadata", OrderedJSON(sorted: .object(process.metadata))),
                            ])
                        )
                    })
            ))
        root.append(("properties", OrderedJSON(sorted: .object(properties))))
        return .object(root)
    }

    /// Pretty-printed canonical JSON text with a trailing newline, ready to save.
    public func jsonText(pretty: Bool = true) -> String {
        json.rendered(pretty: pretty) + (pretty ? "\n" : "")
    }

    // MARK: Pieces

    private static func object(_ value: OrderedJSON, at path: String) throws(GraphFormatError) -> [String: JSONValue] {
        guard case .object(let members) = value.jsonValue else { throw GraphFormatError(path: path, cause: "must be an object") }
        return members
    }

    private static func metadata(_ body: OrderedJSON, at path: String) throws(GraphFormatError) -> [String: JSONValue] {
        guard let value = body["metadata"], value != .null else { return [:] }
        return try object(value, at: path + ".metadata")
    }

    private static func portRef(_ value: OrderedJSON, at path: String) throws(GraphFormatError) -> PortRef {
        guard value.members != nil else { throw GraphFormatError(path: path, cause: "must be an object {process, port}") }
        guard case .string(let process)? = value["process"] else { throw GraphFormatError(path: path + ".process", cause: "must be a process name") }
        guard case .string(let port)? = value["port"] else { throw GraphFormatError(path: path + ".port", cause: "must be a port name") }
        var index: Int?
        if let raw = value["index"], raw != .null {
            guard let number = raw.jsonValue.intValue, number >= 0 else {
                throw GraphFormatError(path: path + ".index", cause: "must be a non-negative integer")
            }
            index = number
        }
        return PortRef(process: process, port: port, index: index)
    }

    private static func connection(_ item: OrderedJSON, at path: String) throws(GraphFormatError) -> GraphConnection {
        guard item.members != nil else { throw GraphFormatError(path: path, cause: "must be an object {src, tgt} or {data, tgt}") }
        guard let tgt = item["tgt"] else { throw GraphFormatError(path: path + ".tgt", cause: "is missing; every connection needs a target") }
        let target = try portRef(tgt, at: path + ".tgt")
        let metadata = try metadata(item, at: path)
        if let src = item["src"], src != .null {
            return GraphConnection(from: try portRef(src, at: path + ".src"), to: target, metadata: metadata)
        }
        guard let data = item["data"] else {
            throw GraphFormatError(path: path, cause: "needs either \"src\" (an edge) or \"data\" (an initial packet)")
        }
        return GraphConnection(data: data.jsonValue, to: target, metadata: metadata)
    }

    private static func json(for ref: PortRef) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = []
        if let index = ref.index { members.append(("index", .number(Double(index)))) }
        members.append(("port", .string(ref.port)))
        members.append(("process", .string(ref.process)))
        return .object(members)
    }

    private static func json(for connection: GraphConnection) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = []
        switch connection.source {
        case .data(let data): members.append(("data", OrderedJSON(sorted: data)))
        case .port: break
        }
        if !connection.metadata.isEmpty { members.append(("metadata", OrderedJSON(sorted: .object(connection.metadata)))) }
        if let src = connection.src { members.append(("src", json(for: src))) }
        members.append(("tgt", json(for: connection.target)))
        return .object(members)
    }

    private static func json(for exports: [String: GraphExport]) -> OrderedJSON {
        .object(
            exports.keys.sorted().map { name in
                let export = exports[name]!
                var members: [(key: String, value: OrderedJSON)] = []
                if !export.metadata.isEmpty { members.append(("metadata", OrderedJSON(sorted: .object(export.metadata)))) }
                members.append(("port", .string(export.port)))
                members.append(("process", .string(export.process)))
                return (name, .object(members))
            })
    }
}
