import MsgFlo

/// Replaces `#MARKER`s in a command line, the way msgflo's library does, but
/// matching the longest known marker at each `#` (so `#COMPONENTNAME` is never
/// read as `#COMPONENT` + `NAME`) and expanding variables inside variables.
enum CommandTemplate {
    enum Value {
        /// Inserted as is (role names, JSON of IIPs).
        case literal(String)
        /// A user variable: its own markers are expanded too.
        case template(String)
    }

    static func expand(_ text: String, markers: [String: Value]) throws(ComponentLibraryError) -> String {
        let names = markers.keys.sorted { $0.count > $1.count }
        return try expand(text, markers: markers, names: names, stack: [])
    }

    private static func expand(_ text: String, markers: [String: Value], names: [String], stack: [String]) throws(ComponentLibraryError) -> String {
        var result = ""
        var rest = Substring(text)
        while let hash = rest.firstIndex(of: "#") {
            result += rest[..<hash]
            let afterHash = rest[rest.index(after: hash)...]
            guard let name = names.first(where: { afterHash.hasPrefix($0) }) else {
                result += "#"
                rest = afterHash
                continue
            }
            switch markers[name]! {
            case .literal(let value):
                result += value
            case .template(let value):
                if stack.contains(name) || stack.count > 16 { throw .variableCycle(variable: name) }
                result += try expand(value, markers: markers, names: names, stack: stack + [name])
            }
            rest = afterHash.dropFirst(name.count)
        }
        return result + rest
    }

    /// Single-quotes `text` for a POSIX shell (Procfile lines run under `sh -c`).
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
