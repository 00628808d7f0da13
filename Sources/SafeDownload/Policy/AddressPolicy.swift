/// Why a destination address is refused: the downloader fetches URLs that
/// users submit, so any address that reaches the service's own host, its
/// private network or cloud metadata (SSRF) must never be connected to.
public enum BlockedAddressKind: String, Sendable, CaseIterable {
    case unspecified
    case loopback
    /// RFC 1918 (IPv4) networks.
    case privateNetwork = "private"
    /// RFC 6598 carrier-grade NAT, 100.64.0.0/10.
    case sharedAddressSpace = "shared_address_space"
    /// 169.254.0.0/16 (which holds cloud metadata 169.254.169.254) and fe80::/10.
    case linkLocal = "link_local"
    /// fc00::/7 and the deprecated site-local fec0::/10.
    case uniqueLocal = "unique_local"
    case multicast
    case broadcast
    /// Documentation, benchmarking, protocol-assignment and future-use ranges,
    /// and IPv6 outside global unicast: nothing an image host lives on.
    case reserved
}

/// The pure destination policy, applied to the address libcurl is about to
/// connect to (after DNS, on every redirect hop).
public enum AddressPolicy {
    /// The reason `address` must not be connected to, or nil for a public address.
    /// IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4)
    /// are judged by the embedded address so they cannot smuggle 127.0.0.1 through.
    public static func blockedKind(of address: IPAddress) -> BlockedAddressKind? {
        switch address {
        case .v4(let value):
            return blockedKind(ipv4: value)
        case .v6(let value):
            return blockedKind(ipv6: value)
        }
    }

    /// Convenience for callers holding an address: true when it may be connected to.
    public static func allows(_ address: IPAddress) -> Bool {
        blockedKind(of: address) == nil
    }

    private static let ipv4Ranges: [(prefix: UInt32, length: Int, kind: BlockedAddressKind)] = [
        (0xFFFF_FFFF, 32, .broadcast), // 255.255.255.255, before 240/4
        (0x0000_0000, 8, .unspecified), // 0.0.0.0/8 "this network"
        (0x0A00_0000, 8, .privateNetwork), // 10/8
        (0x6440_0000, 10, .sharedAddressSpace), // 100.64/10
        (0x7F00_0000, 8, .loopback), // 127/8
        (0xA9FE_0000, 16, .linkLocal), // 169.254/16
        (0xAC10_0000, 12, .privateNetwork), // 172.16/12
        (0xC000_0000, 24, .reserved), // 192.0.0/24 IETF protocol assignments
        (0xC000_0200, 24, .reserved), // 192.0.2/24 TEST-NET-1
        (0xC058_6300, 24, .reserved), // 192.88.99/24 6to4 relay anycast
        (0xC0A8_0000, 16, .privateNetwork), // 192.168/16
        (0xC612_0000, 15, .reserved), // 198.18/15 benchmarking
        (0xC633_6400, 24, .reserved), // 198.51.100/24 TEST-NET-2
        (0xCB00_7100, 24, .reserved), // 203.0.113/24 TEST-NET-3
        (0xE000_0000, 4, .multicast), // 224/4
        (0xF000_0000, 4, .reserved), // 240/4
    ]

    private static func blockedKind(ipv4 value: UInt32) -> BlockedAddressKind? {
        ipv4Ranges.first { range in
            value >> UInt32(32 - range.length) == range.prefix >> UInt32(32 - range.length)
        }?.kind
    }

    private static func matches(_ value: UInt128, _ prefix: UInt128, _ length: Int) -> Bool {
        value >> UInt128(128 - length) == prefix >> UInt128(128 - length)
    }

    private static func blockedKind(ipv6 value: UInt128) -> BlockedAddressKind? {
        let low32 = UInt32(truncatingIfNeeded: value)
        if value == 0 { return .unspecified }
        if value == 1 { return .loopback }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible): the
        // kernel connects to the IPv4 address, so judge that.
        if matches(value, 0xFFFF_0000_0000, 96) || matches(value, 0, 96) {
            return blockedKind(ipv4: low32)
        }
        // 64:ff9b::/96 well-known NAT64: the translator reaches the embedded IPv4.
        if matches(value, 0x0064_FF9B << 96, 96) {
            return blockedKind(ipv4: low32)
        }
        // 2002::/16 6to4: the IPv4 address sits in bits 16..<48.
        if matches(value, 0x2002 << 112, 16) {
            return blockedKind(ipv4: UInt32(truncatingIfNeeded: value >> 80))
        }
        if matches(value, 0xFE80 << 112, 10) { return .linkLocal }
        if matches(value, 0xFEC0 << 112, 10) { return .uniqueLocal }
        if matches(value, 0xFC00 << 112, 7) { return .uniqueLocal }
        if matches(value, 0xFF00 << 112, 8) { return .multicast }
        // Everything else outside 2000::/3 is not global unicast
        // (64:ff9b:1::/48 local NAT64, 100::/64 discard, unassigned space).
        if !matches(value, 0x2000 << 112, 3) { return .reserved }
        // 2001::/23 IETF protocol assignments (Teredo, benchmarking, ORCHID)
        // and 2001:db8::/32 documentation.
        if matches(value, 0x2001 << 112, 23) { return .reserved }
        if matches(value, 0x2001_0DB8 << 96, 32) { return .reserved }
        return nil
    }
}
