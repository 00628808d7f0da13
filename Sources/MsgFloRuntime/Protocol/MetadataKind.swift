import MsgFlo
import MsgFloGraph

/// The typed keys the protocol's metadata schemas define (`metadata_node`,
/// `metadata_edge`, `metadata_group`); every other key is free-form.
///
/// Requests are checked against them, so a client sending `x: 10.5` learns
/// that positions are whole numbers. What the runtime sends is made to conform
/// (`conforming`), because a graph file may hold values no request could set
/// (`"x": 300.5` in a hand-written JSON graph) and every message sent must validate.
public enum MetadataKind: Sendable, Hashable {
    case node, edge, group

    enum ValueType { case integer, string, boolean }

    var typedKeys: [String: ValueType] {
        switch self {
        case .node: ["x": .integer, "y": .integer]
        case .edge: ["route": .integer, "schema": .string, "secure": .boolean]
        case .group: ["description": .string]
        }
    }

    /// The first typed key with a value of the wrong type (null is allowed: it deletes the key).
    func problem(in metadata: [String: JSONValue], at path: String) -> FBPRequestProblem? {
        for key in typedKeys.keys.sorted() {
            guard let value = metadata[key], value != .null, let type = typedKeys[key] else { continue }
            switch (type, value) {
            case (.integer, .number(let n)) where n.rounded() == n: continue
            case (.string, .string), (.boolean, .bool): continue
            case (.integer, _): return .wrongType(path: "\(path).\(key)", expected: "a whole number")
            case (.string, _): return .wrongType(path: "\(path).\(key)", expected: "a string")
            case (.boolean, _): return .wrongType(path: "\(path).\(key)", expected: "true or false")
            }
        }
        return nil
    }

    /// The metadata with typed keys fit for sending: numbers rounded to whole
    /// ones, values of another type left out.
    public func conforming(_ metadata: [String: JSONValue]) -> [String: JSONValue] {
        var result = metadata
        for (key, type) in typedKeys {
            guard let value = metadata[key] else { continue }
            switch (type, value) {
            case (.integer, .number(let n)) where n.isFinite && abs(n) < 1e15: result[key] = .number(n.rounded())
            case (.string, .string), (.boolean, .bool): continue
            default: result.removeValue(forKey: key)
            }
        }
        return result
    }
}
