import CVips

/// libvips' error buffer is process-global: whoever sees a failure must read
/// and clear it at once, or the next failure's message carries this one's.
enum VipsErrorBuffer {
    /// Reads and clears the buffer atomically (libvips holds its lock), and
    /// returns its lines joined, without libvips' trailing newline.
    static func take() -> String {
        guard let copy = vips_error_buffer_copy() else { return "unknown libvips error" }
        defer { g_free(copy) }
        let text = String(cString: copy)
            .split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
        return text.isEmpty ? "unknown libvips error" : text
    }
}
