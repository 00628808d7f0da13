import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import Yams

/// The fbp-protocol 0.9 message schemas (shared/reference/fbp-protocol-schema,
/// YAML, draft-04) and a validator for the subset of JSON Schema they use:
/// $ref, allOf, type, enum, required, properties, additionalProperties, items.
/// `format` is not checked. Every message the coordinator sends in these tests
/// is validated against `#/<protocol>/output/<command>`.
struct FBPSchema: Sendable {
    let root: JSONValue

    static let shared: Result<FBPSchema, SchemaLoadError> = Result { () throws(SchemaLoadError) in try FBPSchema() }

    struct SchemaLoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// `FBP_PROTOCOL_SCHEMA_DIR`, else the copy checked in at `spec/fbp-protocol-schema`
    /// (the Python protocol suite validates against the same files).
    static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["FBP_PROTOCOL_SCHEMA_DIR"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("spec/fbp-protocol-schema")
    }

    init() throws(SchemaLoadError) {
        var root: [String: JSONValue] = [:]
        for name in ["runtime", "component", "graph", "network", "trace", "shared"] {
            let url = Self.directory.appendingPathComponent("\(name).yml")
            do {
                let text = try String(contentsOf: url, encoding: .utf8)
                root[name] = try YAMLDecoder().decode(JSONValue.self, from: text)
            } catch {
                throw SchemaLoadError(description: "cannot load \(url.path): \(error); set FBP_PROTOCOL_SCHEMA_DIR")
            }
        }
        self.root = .object(root)
    }

    /// Problems of `message` as a runtime output; empty when it validates.
    func problems(_ message: FBPMessage) -> [String] {
        let ref = "#/\(message.protocol)/output/\(message.command)"
        guard let schema = resolve(ref) else { return ["no schema \(ref): the runtime sent a message the protocol does not define"] }
        var problems: [String] = []
        validate(message.json, schema, at: "\(message.protocol):\(message.command)", &problems)
        return problems
    }

    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: JSONValue? = root
        for part in ref.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node
    }

    func validate(_ value: JSONValue, _ schema: JSONValue, at path: String, _ problems: inout [String]) {
        if case .bool(let accept) = schema {
            if !accept { problems.append("\(path): not allowed") }
            return
        }
        guard case .object(let s) = schema else { return }
        if let ref = s["$ref"]?.stringValue {
            guard let target = resolve(ref) else { return problems.append("\(path): unresolved \(ref)") }
            validate(value, target, at: path, &problems)
        }
        for sub in s["allOf"]?.arrayValue ?? [] { validate(value, sub, at: path, &problems) }
        if let type = s["type"] { checkType(value, type, path, &problems) }
        if let options = s["enum"]?.arrayValue, !options.contains(value) {
            problems.append("\(path): \(value) is not one of \(options)")
        }
        if case .object(let object) = value { validateObject(object, s, path, &problems) }
        if case .array(let items) = value, let itemSchema = s["items"] {
            for (index, item) in items.enumerated() { validate(item, itemSchema, at: "\(path)[\(index)]", &problems) }
        }
    }

    private func validateObject(_ object: [String: JSONValue], _ s: [String: JSONValue], _ path: String, _ problems: inout [String]) {
        for key in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[key] == nil {
            problems.append("\(path): required key '\(key)' is missing")
        }
        let properties = s["properties"]?.objectValue ?? [:]
        for (key, value) in object {
            if let propertySchema = properties[key] {
                validate(value, propertySchema, at: "\(path).\(key)", &problems)
            } else if s["additionalProperties"] == .bool(false) {
                problems.append("\(path): key '\(key)' is not allowed")
            }
        }
    }

    private func checkType(_ value: JSONValue, _ type: JSONValue, _ path: String, _ problems: inout [String]) {
        let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
        let matches = allowed.contains { name in
            switch (name, value) {
            case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number): true
            case ("integer", .number(let n)): n.rounded() == n
            default: false
            }
        }
        if !matches { problems.append("\(path): \(value) is not of type \(allowed.joined(separator: "|"))") }
    }
}
