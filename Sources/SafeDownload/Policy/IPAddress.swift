#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address as plain integers, so the address policy is pure
/// arithmetic on prefixes that tables can test without sockets.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host-order value: 10.0.0.1 is 0x0A00_0001.
    case v4(UInt32)
    /// Host-order value: the first address byte is the most significant.
    case v6(UInt128)

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (as `inet_pton` does), or
    /// nil; exists for tests and log messages, the downloader gets raw bytes.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = withUnsafeBytes(of: &v6) { IPAddress(bytes: $0)! }
            return
        }
        return nil
    }

    /// Reads 4 or 16 network-order bytes; any other count is not an address.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            self = .v6(bytes.reduce(0) { $0 << 8 | UInt128($1) })
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let value):
            var bytes = (0..<16).map { UInt8(truncatingIfNeeded: value >> UInt128(120 - 8 * $0)) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let written = bytes.withUnsafeMutableBytes { raw in
                text.withUnsafeMutableBufferPointer { buffer in
                    inet_ntop(AF_INET6, raw.baseAddress, buffer.baseAddress, socklen_t(buffer.count)) != nil
                }
            }
            guard written, let end = text.firstIndex(of: 0) else { return "invalid IPv6" }
            return String(decoding: text[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
