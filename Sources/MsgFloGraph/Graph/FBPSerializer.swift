import MsgFlo

/// A graph that cannot be written as `.fbp` text without changing its meaning.
public struct FBPSerializationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var cause: String
    public init(cause: String) { self.cause = cause }
    public var description: String { "cannot write the graph as .fbp: \(cause); save it as .json instead" }
}

/// Writes a `Graph` as `.fbp` text that `FBPParser` reads back to the same graph.
///
/// Every process is declared on its own line first, in graph order, so the parsed
/// graph keeps that order (msgflo starts roles in it). What the DSL cannot express
/// is left out rather than guessed: groups, connection and export metadata,
/// non-string properties, and process metadata values outside `[A-Za-z0-9/_]`.
/// Parse the text with the graph's `caseSensitive` flag to get the graph back.
public enum FBPSerializer {
    public static func serialize(_ graph: Graph) throws(FBPSerializationError) -> String {
        var lines: [String] = []
        if case .object(let environment)? = graph.properties["environment"], environment.count == 1,
            let type = environment["type"]?.stringValue, isAnnotationValue(type)
        {
            lines.append("# @runtime \(type)")
        }
        for key in graph.properties.keys.sorted() where key != "environment" && key != "runtime" {
            if let value = graph.properties[key]?.stringValue, isAnnotationKey(key), isAnnotationValue(value) {
                lines.append("# @\(key) \(value)")
            }
        }
        if !lines.isEmpty { lines.append("") }

        for process in graph.processes {
            try check(process.name, isValid: isProcessName, what: "process name")
            guard !process.component.isEmpty, process.component.unicodeScalars.allSatisfy(isComponentScalar) else {
                throw FBPSerializationError(
                    cause: "component '\(process.component)' of process '\(process.name)' is empty or has characters outside [A-Za-z0-9/_-]")
            }
            lines.append("\(process.name)(\(process.component)\(metadataText(process.metadata)))")
        }
        for name in graph.inports.keys.sorted() {
            lines.append(try exportLine("INPORT", name, graph.inports[name]!, graph))
        }
        for name in graph.outports.keys.sorted() {
            lines.append(try exportLine("OUTPORT", name, graph.outports[name]!, graph))
        }
        for connection in graph.connections {
            let target = try portText(connection.target, graph, inbound: true)
            switch connection.source {
            case .port(let source):
                lines.append("\(try portText(source, graph, inbound: false)) -> \(target)")
            case .data(let data):
                lines.append("\(iipText(data)) -> \(target)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Pieces

    private static func exportLine(_ keyword: String, _ name: String, _ export: GraphExport, _ graph: Graph) throws(FBPSerializationError) -> String {
        try check(export.process, isValid: isProcessName, what: "process name")
        try check(export.port, isValid: isPortName, what: "port name")
        try check(name, isValid: isPortName, what: "exported port name")
        return "\(keyword)=\(export.process).\(written(export.port, graph)):\(written(name, graph))"
    }

    private static func portText(_ ref: PortRef, _ graph: Graph, inbound: Bool) throws(FBPSerializationError) -> String {
        try check(ref.process, isValid: isProcessName, what: "process name")
        try check(ref.port, isValid: isPortName, what: "port name")
        let port = written(ref.port, graph) + (ref.index.map { "[\($0)]" } ?? "")
        return inbound ? "\(port) \(ref.process)" : "\(ref.process) \(port)"
    }

    /// Upper-case reads as a port in `.fbp`; the parser folds it back unless case-sensitive.
    private static func written(_ port: String, _ graph: Graph) -> String {
        graph.caseSensitive ? port : port.uppercased()
    }

    static func iipText(_ data: JSONValue) -> String {
        if case .string(let text) = data, !text.contains("\\"), !text.unicodeScalars.contains(where: TextPosition.isNewline) {
            return "'" + text.replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return String(decoding: data.encoded(), as: UTF8.self)
    }

    private static func metadataText(_ metadata: [String: JSONValue]) -> String {
        let items = metadata.keys.sorted().compactMap { key -> String? in
            guard !key.isEmpty, key.unicodeScalars.allSatisfy(isMetaScalar) else { return nil }
            switch metadata[key]! {
            case .number(let n) where (key == "x" || key == "y") && n >= 0 && n.rounded() == n && n < 1e15:
                return "\(key)=\(Int(n))"
            case .string(let s) where key != "x" && key != "y" && s.unicodeScalars.allSatisfy(isMetaScalar):
                return "\(key)=\(s)"
            default:
                return nil
            }
        }
        return items.isEmpty ? "" : ":" + items.joined(separator: ",")
    }

    private static func check(_ text: String, isValid: (String) -> Bool, what: String) throws(FBPSerializationError) {
        guard isValid(text) else { throw FBPSerializationError(cause: "\(what) '\(text)' is not valid in .fbp") }
    }

    private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    private static func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    static func isProcessName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isASCIILetter(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "_" || $0 == "-" }
    }

    static func isPortName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isASCIILetter(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "_" || $0 == "." }
    }

    private static func isComponentScalar(_ c: Unicode.Scalar) -> Bool {
        isASCIILetter(c) || isASCIIDigit(c) || c == "/" || c == "-" || c == "_"
    }

    private static func isMetaScalar(_ c: Unicode.Scalar) -> Bool {
        isASCIILetter(c) || isASCIIDigit(c) || c == "/" || c == "_"
    }

    private static func isAnnotationKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "-" || $0 == "_" }
    }

    private static func isAnnotationValue(_ value: String) -> Bool {
        !value.isEmpty && value.first != " " && value.last != " " && value.first != "\t" && value.last != "\t"
            && !value.unicodeScalars.contains(where: TextPosition.isNewline)
    }
}

extension Graph {
    /// The graph as `.fbp` text (see `FBPSerializer` for what the DSL cannot hold).
    public func fbpText() throws(FBPSerializationError) -> String {
        try FBPSerializer.serialize(self)
    }
}
