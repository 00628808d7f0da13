import MsgFlo
import MsgFloGraph

/// Typed, path-aware access to one JSON object of a request, so a bad field
/// is reported as `payload.tgt.node must be a string` rather than a trap or a
/// generic "bad request".
struct PayloadReader: Sendable {
    let object: [String: JSONValue]
    /// Where `object` sits in the message, e.g. `payload.src`.
    let path: String

    init(_ object: [String: JSONValue], path: String) {
        self.object = object
        self.path = path
    }

    init(value: JSONValue, path: String) throws(FBPRequestProblem) {
        guard case .object(let object) = value else { throw .notAnObject(path: path) }
        self.init(object, path: path)
    }

    func at(_ key: String) -> String { "\(path).\(key)" }

    /// The value of `key`, treating JSON `null` as absent (clients differ on which they send).
    func present(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func value(_ key: String, expected: String) throws(FBPRequestProblem) -> JSONValue {
        guard let value = object[key] else { throw .missingField(path: at(key), expected: expected) }
        return value
    }

    func string(_ key: String) throws(FBPRequestProblem) -> String {
        guard let value = present(key) else { throw .missingField(path: at(key), expected: "a non-empty string") }
        guard case .string(let text) = value else { throw .wrongType(path: at(key), expected: "a string") }
        guard !text.isEmpty else { throw .invalidValue(path: at(key), reason: "must not be empty") }
        return text
    }

    func optionalString(_ key: String) throws(FBPRequestProblem) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw .wrongType(path: at(key), expected: "a string") }
        return text
    }

    func bool(_ key: String) throws(FBPRequestProblem) -> Bool {
        guard let value = present(key) else { throw .missingField(path: at(key), expected: "true or false") }
        guard case .bool(let flag) = value else { throw .wrongType(path: at(key), expected: "true or false") }
        return flag
    }

    func optionalBool(_ key: String) throws(FBPRequestProblem) -> Bool? {
        guard present(key) != nil else { return nil }
        return try bool(key)
    }

    func reader(_ key: String, expected: String) throws(FBPRequestProblem) -> PayloadReader {
        guard let value = present(key) else { throw .missingField(path: at(key), expected: expected) }
        return try PayloadReader(value: value, path: at(key))
    }

    /// Metadata objects are optional everywhere; absent or null is empty.
    /// Keys the schema types (`x`, `route`...) must have that type.
    func metadata(_ kind: MetadataKind, _ key: String = "metadata") throws(FBPRequestProblem) -> [String: JSONValue] {
        guard let value = present(key) else { return [:] }
        guard case .object(let object) = value else { throw .wrongType(path: at(key), expected: "an object of metadata") }
        if let problem = kind.problem(in: object, at: at(key)) { throw problem }
        return object
    }

    func strings(_ key: String) throws(FBPRequestProblem) -> [String] {
        guard let value = present(key) else { throw .missingField(path: at(key), expected: "an array of strings") }
        guard case .array(let items) = value else { throw .wrongType(path: at(key), expected: "an array of strings") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else { throw .wrongType(path: "\(at(key))[\(index)]", expected: "a string") }
            result.append(text)
        }
        return result
    }

    /// A protocol port `{node, port, index?}` (index a number or a numeric string).
    func port(_ key: String) throws(FBPRequestProblem) -> PortRef {
        let port = try reader(key, expected: "an object {node, port}")
        return try port.asPort()
    }

    func asPort() throws(FBPRequestProblem) -> PortRef {
        let node = try string("node")
        let portName = try string("port")
        var index: Int?
        switch present("index") {
        case nil: index = nil
        case .number(let n)?:
            guard n >= 0, n.rounded() == n, n < 1e9 else { throw .invalidValue(path: at("index"), reason: "must be a whole number from 0") }
            index = Int(n)
        case .string(let text)?:
            guard let n = Int(text), n >= 0 else { throw .invalidValue(path: at("index"), reason: "must be a whole number from 0") }
            index = n
        default:
            throw .wrongType(path: at("index"), expected: "a number")
        }
        return PortRef(process: node, port: portName, index: index)
    }
}
