import MsgFlo
import MsgFloGraph

/// How metadata from clients is stored.
///
/// `msgflo` is reserved: the runtime writes the live state of a node or edge
/// there (see `LiveAnnotation`) in what it sends, and must never store a
/// client's copy of it, or a stale "online" would be saved into the graph file.
public enum MetadataPatch {
    /// The metadata key the runtime owns.
    public static let reservedKey = "msgflo"

    /// Metadata of a new item: as given, without nulls or the reserved key.
    public static func initial(_ metadata: [String: JSONValue]) -> [String: JSONValue] {
        metadata.filter { $0.key != reservedKey && $0.value != .null }
    }

    /// noflo's `setNodeMetadata`: each key given replaces the stored one, a null
    /// value deletes it, keys not given stay. Clients send only what changed (x, y).
    public static func merge(_ patch: [String: JSONValue], into metadata: [String: JSONValue]) -> [String: JSONValue] {
        var result = metadata
        for (key, value) in patch where key != reservedKey {
            // Not `result[key] = nil`: JSONValue is ExpressibleByNilLiteral, so that would store null.
            if value == .null { result.removeValue(forKey: key) } else { result[key] = value }
        }
        return result
    }
}
