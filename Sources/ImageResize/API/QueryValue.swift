/// Strict readers of query-parameter values. Swift's `Double(String)` takes
/// hexadecimal ("0x10"), "nan", "inf" and stops at a NUL byte ("1\0" reads
/// as 1); a parameter of this API is plain decimal or it is refused.
enum QueryValue {
    static let decimalBytes: Set<UInt8> = Set("0123456789.eE+-".utf8)

    /// "30", "0.5", "1e3", "+2", "-1": a finite decimal number; nil for
    /// anything else. Range checks are the caller's.
    static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 64, text.utf8.allSatisfy(decimalBytes.contains),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }
}
