import Foundation

/// Number formats shared by the progress line, the table, the verdict and the
/// report, so the same figure reads the same everywhere.
enum Format {
    /// Seconds with precision that suits their size: 0.123 s, 4.56 s, 31.2 s, 312 s.
    static func seconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        return "\(number(value)) s"
    }

    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    static func rate(_ perMinute: Double) -> String {
        String(format: "%.1f", perMinute)
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value)
    }
}
