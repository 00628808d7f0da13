import Foundation
import MsgFlo

/// Why a graph file could not be read or written; always names the file.
public enum GraphFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case unsupportedExtension(path: String)
    case invalidFBP(path: String?, FBPParseError)
    case invalidJSON(path: String?, JSONSyntaxError)
    case invalidGraph(path: String?, GraphFormatError)
    case notRepresentable(path: String?, FBPSerializationError)

    public var description: String {
        func prefixed(_ path: String?, _ text: String) -> String { path.map { "\($0): \(text)" } ?? text }
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read the graph file: \(reason)"
        case .unwritable(let path, let reason): return "\(path): cannot write the graph file: \(reason)"
        case .unsupportedExtension(let path): return "\(path): unknown graph format; name the file *.fbp or *.json"
        case .invalidFBP(let path, let error): return prefixed(path, error.description)
        case .invalidJSON(let path, let error): return prefixed(path, "invalid JSON: \(error)")
        case .invalidGraph(let path, let error): return prefixed(path, "not an fbp graph: \(error)")
        case .notRepresentable(let path, let error): return prefixed(path, error.description)
        }
    }
}

extension Graph {
    /// The on-disk formats, chosen by file extension as msgflo does.
    public enum FileFormat: Sendable, Hashable {
        case fbp, json

        public init(path: String) throws(GraphFileError) {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "fbp": self = .fbp
            case "json": self = .json
            default: throw GraphFileError.unsupportedExtension(path: path)
            }
        }
    }

    /// Parses graph text in the given format (`caseSensitive` applies to `.fbp` only;
    /// JSON graphs carry their own flag).
    public init(text: String, format: FileFormat, caseSensitive: Bool = false) throws(GraphFileError) {
        switch format {
        case .fbp:
            do { self = try FBPParser.parse(text, caseSensitive: caseSensitive) } catch { throw .invalidFBP(path: nil, error) }
        case .json:
            self = try Graph(jsonText: text)
        }
    }

    /// Loads a `.fbp` or `.json` graph file.
    public static func load(path: String, caseSensitive: Bool = false) throws(GraphFileError) -> Graph {
        let format = try FileFormat(path: path)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            return try Graph(text: text, format: format, caseSensitive: caseSensitive)
        } catch {
            throw error.located(at: path)
        }
    }

    /// The graph as text in `format`.
    public func text(format: FileFormat) throws(GraphFileError) -> String {
        switch format {
        case .json: return jsonText()
        case .fbp:
            do { return try fbpText() } catch { throw .notRepresentable(path: nil, error) }
        }
    }

    /// Saves as `.fbp` or `.json` according to the extension of `path`.
    public func save(path: String) throws(GraphFileError) {
        let format = try FileFormat(path: path)
        let contents: String
        do { contents = try text(format: format) } catch { throw error.located(at: path) }
        do {
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .unwritable(path: path, reason: error.localizedDescription)
        }
    }
}

extension GraphFileError {
    /// The same error, naming the file it came from (a graph read from text
    /// by a caller that knows its path: the runtime, the tools).
    public func located(at path: String) -> GraphFileError {
        switch self {
        case .invalidFBP(nil, let e): .invalidFBP(path: path, e)
        case .invalidJSON(nil, let e): .invalidJSON(path: path, e)
        case .invalidGraph(nil, let e): .invalidGraph(path: path, e)
        case .notRepresentable(nil, let e): .notRepresentable(path: path, e)
        default: self
        }
    }
}
