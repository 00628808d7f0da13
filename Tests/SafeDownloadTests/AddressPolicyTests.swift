import TestSupport
import Testing

@testable import SafeDownload

@Suite(.logsOnFailure) struct AddressPolicyTests {
    @Test(arguments: [
        ("10.0.0.1", BlockedAddressKind.privateNetwork),
        ("10.255.255.255", .privateNetwork),
        ("172.16.0.1", .privateNetwork),
        ("172.31.255.254", .privateNetwork),
        ("192.168.1.1", .privateNetwork),
        ("100.64.0.1", .sharedAddressSpace),
        ("100.127.255.255", .sharedAddressSpace),
        ("169.254.169.254", .linkLocal),
        ("169.254.0.1", .linkLocal),
        ("127.0.0.1", .loopback),
        ("127.255.255.254", .loopback),
        ("0.0.0.0", .unspecified),
        ("0.1.2.3", .unspecified),
        ("224.0.0.1", .multicast),
        ("239.255.255.250", .multicast),
        ("255.255.255.255", .broadcast),
        ("240.0.0.1", .reserved),
        ("192.0.2.1", .reserved),
        ("198.18.0.1", .reserved),
        ("::", .unspecified),
        ("::1", .loopback),
        ("fe80::1", .linkLocal),
        ("febf:ffff::1", .linkLocal),
        ("fc00::1", .uniqueLocal),
        ("fd12:3456::1", .uniqueLocal),
        ("fec0::1", .uniqueLocal),
        ("ff02::1", .multicast),
        ("::ffff:127.0.0.1", .loopback),
        ("::ffff:10.0.0.1", .privateNetwork),
        ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:0.0.0.0", .unspecified),
        ("::127.0.0.1", .loopback),
        ("64:ff9b::a9fe:a9fe", .linkLocal),
        ("2002:7f00:1::1", .loopback),
        ("2002:c0a8:101::1", .privateNetwork),
        ("2001:db8::1", .reserved),
        ("2001::1", .reserved),
        ("100::1", .reserved),
        ("64:ff9b:1::1", .reserved),
    ])
    func refusesNonPublicAddress(_ text: String, _ expected: BlockedAddressKind) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressPolicy.blockedKind(of: address) == expected)
        #expect(!AddressPolicy.allows(address))
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "9.255.255.255", "11.0.0.0",
        "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
        "169.253.255.255", "192.167.255.255", "223.255.255.255",
        "2001:4860::8888", "2606:4700:4700::1111", "2a00:1450:4001::1",
        "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
    ])
    func allowsPublicAddress(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressPolicy.blockedKind(of: address) == nil)
    }

    @Test(arguments: [
        ("10.0.0.1", IPAddress.v4(0x0A00_0001)),
        ("255.255.255.255", .v4(0xFFFF_FFFF)),
        ("::1", .v6(1)),
        ("::ffff:127.0.0.1", .v6(0xFFFF_7F00_0001)),
        ("fe80::1", .v6(0xFE80 << 112 | 1)),
    ])
    func parsesAddressText(_ text: String, _ expected: IPAddress) {
        #expect(IPAddress(text) == expected)
    }

    @Test(arguments: ["", "localhost", "256.0.0.1", "1.2.3", "::g", "10.0.0.1/8"])
    func rejectsNonAddressText(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(arguments: ["10.0.0.1", "8.8.8.8", "::1", "2001:4860::8888", "::ffff:127.0.0.1", "fe80::1"])
    func descriptionRoundTrips(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(IPAddress(address.description) == address)
    }

    @Test func bytesOfWrongLengthAreNotAnAddress() {
        #expect(IPAddress(bytes: [127, 0, 0]) == nil)
        #expect(IPAddress(bytes: [127, 0, 0, 1]) == .v4(0x7F00_0001))
    }
}
