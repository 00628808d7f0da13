import Foundation
import MsgFlo
import MsgFloGraph

/// Writes a file so readers see the old contents or the new, never half of
/// either: write a temporary file in the same directory, flush it, rename it
/// over the target. The only I/O in this module; the shell calls it for
/// `RuntimeAction.save`.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws(GraphFileError) {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritable(path: path, reason: error.localizedDescription)
        }
    }

    /// Carries out one save: the sidecar first (its entries only decorate, so a
    /// crash between the two writes loses nothing), then the graph.
    public static func perform(_ save: GraphSave) throws(GraphFileError) {
        if let sidecarPath = save.sidecarPath {
            if let sidecarText = save.sidecarText {
                try write(sidecarText, to: sidecarPath)
            } else if FileManager.default.fileExists(atPath: sidecarPath) {
                do { try FileManager.default.removeItem(atPath: sidecarPath) } catch {
                    throw .unwritable(path: sidecarPath, reason: error.localizedDescription)
                }
            }
        }
        try write(save.text, to: save.path)
    }
}
