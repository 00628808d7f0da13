import Foundation
import MsgFlo
import MsgFloGraph

/// Where a graph lives on disk and in which format, so the runtime writes an
/// edited graph back the way it was read: `.fbp` stays `.fbp`, `.json` stays `.json`.
///
/// `.fbp` cannot hold everything an editor sets (see `FBPSidecar`); for an
/// `.fbp` graph the rest goes to a sidecar `<file>.meta.json` next to it.
public struct GraphStorage: Sendable, Hashable {
    public var path: String
    public var format: Graph.FileFormat

    public init(path: String, format: Graph.FileFormat) {
        self.path = path
        self.format = format
    }

    /// The format from the file's extension (`.fbp` or `.json`).
    public init(path: String) throws(GraphFileError) {
        self.init(path: path, format: try Graph.FileFormat(path: path))
    }

    /// The sidecar of an `.fbp` graph; JSON graphs hold everything themselves.
    public var sidecarPath: String? { format == .fbp ? path + ".meta.json" : nil }

    /// The files to write for `graph`: the graph text, and for `.fbp` the sidecar
    /// (nil text when nothing was lost, so a stale sidecar is removed).
    public func save(_ graph: Graph) throws(GraphFileError) -> GraphSave {
        do {
            switch format {
            case .json:
                return GraphSave(path: path, text: graph.jsonText())
            case .fbp:
                let sidecar = try FBPSidecar(lostBy: graph)
                return GraphSave(
                    path: path, text: try graph.fbpText(), sidecarPath: sidecarPath,
                    sidecarText: sidecar.isEmpty ? nil : sidecar.jsonText)
            }
        } catch {
            throw GraphFileError.notRepresentable(path: path, error)
        }
    }

    /// Reads graph text and, for `.fbp`, the sidecar text if the file exists.
    /// Sidecar entries that no longer match the graph (the `.fbp` was edited by
    /// hand) are dropped and named in `warnings`.
    public func load(text: String, sidecarText: String? = nil, caseSensitive: Bool = false)
        throws(GraphFileError) -> (graph: Graph, warnings: [String])
    {
        var graph: Graph
        do { graph = try Graph(text: text, format: format, caseSensitive: caseSensitive) } catch { throw error.located(at: path) }
        guard format == .fbp, let sidecarText, let sidecarPath else { return (graph, []) }
        let sidecar: FBPSidecar
        do { sidecar = try FBPSidecar(jsonText: sidecarText) } catch { throw error.located(at: sidecarPath) }
        let warnings = sidecar.apply(to: &graph).map { "\(sidecarPath): \($0)" }
        return (graph, warnings)
    }

    /// The id a loaded graph gets: its `name` property, else the file name without extension.
    public func graphID(for graph: Graph) -> String {
        if let name = graph.properties["name"]?.stringValue, !name.isEmpty { return name }
        return URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
}

/// The files one save writes. The shell writes them with `AtomicFile`.
public struct GraphSave: Sendable, Hashable {
    public var path: String
    public var text: String
    public var sidecarPath: String?
    /// nil with a `sidecarPath`: nothing needs a sidecar, remove any old one.
    public var sidecarText: String?

    public init(path: String, text: String, sidecarPath: String? = nil, sidecarText: String? = nil) {
        self.path = path
        self.text = text
        self.sidecarPath = sidecarPath
        self.sidecarText = sidecarText
    }
}
