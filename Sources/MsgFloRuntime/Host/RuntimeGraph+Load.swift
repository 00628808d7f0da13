import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeGraph {
    /// Reads a graph file (`.fbp` with its `.meta.json` sidecar if there is one,
    /// or `.json`) as the runtime holds it, with auto-save writing back to it.
    /// Its id is the graph's `name` property, else the file name. Sidecar
    /// entries that no longer match the graph come back as warnings.
    public static func load(path: String) throws(GraphFileError) -> (graph: RuntimeGraph, warnings: [String]) {
        let storage = try GraphStorage(path: path)
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        var sidecarText: String?
        if let sidecarPath = storage.sidecarPath, FileManager.default.fileExists(atPath: sidecarPath) {
            do { sidecarText = try String(contentsOfFile: sidecarPath, encoding: .utf8) } catch {
                throw .unreadable(path: sidecarPath, reason: error.localizedDescription)
            }
        }
        let (graph, warnings) = try storage.load(text: text, sidecarText: sidecarText)
        return (RuntimeGraph(id: storage.graphID(for: graph), graph: graph, storage: storage), warnings)
    }
}
