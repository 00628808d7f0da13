import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

@Suite("MQTT packets", .logsOnFailure)
struct MQTTPacketTests {
    struct Encoded: CustomTestStringConvertible, Sendable {
        var name: String
        var packet: MQTTPacket
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    /// Byte layouts from the MQTT 3.1.1 specification, section 3.
    static let encodings: [Encoded] = [
        Encoded(
            name: "CONNECT clean, no credentials",
            packet: .connect(MQTTConnect(clientID: "ab", keepAlive: 30)),
            bytes: [0x10, 14, 0, 4, 0x4D, 0x51, 0x54, 0x54, 4, 0x02, 0, 30, 0, 2, 0x61, 0x62]),
        Encoded(
            name: "CONNECT with user and password",
            packet: .connect(MQTTConnect(clientID: "c", keepAlive: 60, username: "u", password: "pw")),
            bytes: [0x10, 20, 0, 4, 0x4D, 0x51, 0x54, 0x54, 4, 0xC2, 0, 60, 0, 1, 0x63, 0, 1, 0x75, 0, 2, 0x70, 0x77]),
        Encoded(name: "CONNACK refused", packet: .connack(sessionPresent: false, returnCode: 5), bytes: [0x20, 2, 0, 5]),
        Encoded(
            name: "PUBLISH QoS 0", packet: .publish(MQTTPublish(topic: "a/b", payload: [1, 2])),
            bytes: [0x30, 7, 0, 3, 0x61, 0x2F, 0x62, 1, 2]),
        Encoded(
            name: "PUBLISH QoS 1 duplicate",
            packet: .publish(MQTTPublish(topic: "t", payload: Array("{}".utf8), qos: 1, duplicate: true, packetID: 258)),
            bytes: [0x3A, 7, 0, 1, 0x74, 1, 2, 0x7B, 0x7D]),
        Encoded(
            name: "PUBLISH retained, empty payload", packet: .publish(MQTTPublish(topic: "t", payload: [], retain: true)),
            bytes: [0x31, 3, 0, 1, 0x74]),
        Encoded(name: "PUBACK", packet: .puback(packetID: 0xABCD), bytes: [0x40, 2, 0xAB, 0xCD]),
        Encoded(
            name: "SUBSCRIBE", packet: .subscribe(packetID: 1, subscriptions: [MQTTSubscription(topic: "fbp", qos: 1)]),
            bytes: [0x82, 8, 0, 1, 0, 3, 0x66, 0x62, 0x70, 1]),
        Encoded(name: "SUBACK", packet: .suback(packetID: 1, returnCodes: [1, 0x80]), bytes: [0x90, 4, 0, 1, 1, 0x80]),
        Encoded(name: "UNSUBSCRIBE", packet: .unsubscribe(packetID: 2, topics: ["x"]), bytes: [0xA2, 5, 0, 2, 0, 1, 0x78]),
        Encoded(name: "UNSUBACK", packet: .unsuback(packetID: 2), bytes: [0xB0, 2, 0, 2]),
        Encoded(name: "PINGREQ", packet: .pingreq, bytes: [0xC0, 0]),
        Encoded(name: "PINGRESP", packet: .pingresp, bytes: [0xD0, 0]),
        Encoded(name: "DISCONNECT", packet: .disconnect, bytes: [0xE0, 0]),
    ]

    @Test(arguments: encodings)
    func encodesAsTheSpecificationLaysOut(_ example: Encoded) throws {
        #expect(try example.packet.encode() == example.bytes)
    }

    @Test(arguments: encodings)
    func decodesWhatItEncodes(_ example: Encoded) throws {
        let frame = try #require(try MQTTFrame.next(in: example.bytes[...], maximumSize: 1024))
        #expect(frame.consumed == example.bytes.count)
        #expect(try MQTTPacket.decode(header: frame.header, body: frame.body) == example.packet)
    }

    @Test(arguments: [
        (0, [UInt8(0)]), (127, [0x7F]), (128, [0x80, 0x01]), (16_383, [0xFF, 0x7F]),
        (16_384, [0x80, 0x80, 0x01]), (2_097_151, [0xFF, 0xFF, 0x7F]),
        (2_097_152, [0x80, 0x80, 0x80, 0x01]), (268_435_455, [0xFF, 0xFF, 0xFF, 0x7F]),
    ])
    func remainingLengthVarint(_ length: Int, _ bytes: [UInt8]) throws {
        #expect(MQTTFrame.encodeLength(length) == bytes)
        // The decoder reads the same length back: it waits for that many body bytes.
        let header = try consumed([0x30] + bytes, maximumSize: MQTTFrame.protocolMaximum)
        if length == 0 {
            #expect(header == 2)
        } else {
            #expect(header == nil)
            let oneByteMore = try consumed([0x30] + bytes + [1], maximumSize: length)
            #expect(oneByteMore == (length == 1 ? 3 : nil))
        }
    }

    /// Bytes the first frame takes, nil while incomplete.
    func consumed(_ bytes: [UInt8], maximumSize: Int) throws -> Int? {
        try MQTTFrame.next(in: bytes[...], maximumSize: maximumSize)?.consumed
    }

    @Test func largePayloadRoundTrips() throws {
        let payload = [UInt8](repeating: 7, count: 200_000)
        let bytes = try MQTTPacket.publish(MQTTPublish(topic: "big", payload: payload, qos: 1, packetID: 9)).encode()
        #expect(Array(bytes[1...3]) == MQTTFrame.encodeLength(200_000 + 2 + 3 + 2))
        let frame = try #require(try MQTTFrame.next(in: bytes[...], maximumSize: 1 << 20))
        guard case .publish(let decoded) = try MQTTPacket.decode(header: frame.header, body: frame.body) else {
            Issue.record("not a PUBLISH")
            return
        }
        #expect(decoded.payload == payload)
    }

    @Test func framesAreSplitFromAStreamAndIncompleteOnesWait() throws {
        let stream = try MQTTPacket.puback(packetID: 1).encode() + MQTTPacket.pingresp.encode() + [0x90, 3, 0]
        let first = try #require(try MQTTFrame.next(in: stream[...], maximumSize: 100))
        #expect(first.consumed == 4)
        let second = try #require(try MQTTFrame.next(in: stream[4...], maximumSize: 100))
        #expect(try MQTTPacket.decode(header: second.header, body: second.body) == .pingresp)
        #expect(try consumed(Array(stream[6...]), maximumSize: 100) == nil) // SUBACK still arriving
        #expect(try consumed([0x30, 0x80], maximumSize: 100) == nil) // length still arriving
        #expect(try consumed([], maximumSize: 100) == nil)
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var error: MQTTPacketError
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(name: "five-byte remaining length", bytes: [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], error: .malformedLength),
        Malformed(name: "oversize packet", bytes: [0x30, 0x80, 0x80, 0x01], error: .tooLarge(size: 16_384, limit: 1024)),
        Malformed(name: "PUBLISH topic cut off", bytes: [0x30, 3, 0, 5, 0x61], error: .truncated("topic")),
        Malformed(name: "PUBLISH QoS 1 without packet id", bytes: [0x32, 3, 0, 1, 0x74], error: .truncated("packet id")),
        Malformed(name: "PUBLISH QoS 3", bytes: [0x36, 3, 0, 1, 0x74], error: .invalid("PUBLISH with QoS 3")),
        Malformed(name: "topic not UTF-8", bytes: [0x30, 4, 0, 2, 0xC3, 0x28], error: .invalid("topic is not UTF-8")),
        Malformed(name: "PUBACK too short", bytes: [0x40, 1, 0], error: .truncated("packet id")),
        Malformed(
            name: "PUBACK too long", bytes: [0x40, 3, 0, 1, 9],
            error: .invalid("1 unexpected bytes after the packet's fields")),
        Malformed(name: "CONNACK empty", bytes: [0x20, 0], error: .truncated("connack flags")),
        Malformed(name: "SUBACK without codes", bytes: [0x90, 2, 0, 1], error: .truncated("SUBACK return codes")),
        Malformed(
            name: "SUBSCRIBE with wrong flags", bytes: [0x80, 6, 0, 1, 0, 1, 0x74, 1],
            error: .invalid("SUBSCRIBE with flags 0")),
        Malformed(name: "PINGRESP with flags", bytes: [0xD1, 0], error: .invalid("PINGRESP with flags 1")),
        Malformed(name: "QoS 2 PUBREC", bytes: [0x50, 2, 0, 1], error: .unsupportedType(5)),
        Malformed(name: "reserved type 0", bytes: [0x00, 0], error: .unsupportedType(0)),
        Malformed(name: "reserved type 15", bytes: [0xF0, 0], error: .unsupportedType(15)),
    ]

    @Test(arguments: malformed)
    func malformedInputIsATypedError(_ example: Malformed) {
        #expect(throws: example.error) {
            let frame = try #require(try MQTTFrame.next(in: example.bytes[...], maximumSize: 1024))
            _ = try MQTTPacket.decode(header: frame.header, body: frame.body)
        }
    }

    @Test func unencodableFieldsAreTypedErrors() {
        #expect(throws: MQTTPacketError.fieldTooLong("string '\(String(repeating: "a", count: 40))'")) {
            try MQTTPacket.publish(MQTTPublish(topic: String(repeating: "a", count: 70_000), payload: [])).encode()
        }
        #expect(throws: MQTTPacketError.invalid("a packet id is required exactly for QoS 1 and 2")) {
            try MQTTPacket.publish(MQTTPublish(topic: "t", payload: [], qos: 1)).encode()
        }
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(MQTTPacketError.tooLarge(size: 10, limit: 5).description == "MQTT packet of 10 bytes exceeds the limit of 5 bytes")
        #expect(
            MQTTRefusal.connection(returnCode: 4, broker: "mqtt://u@h:1883/").description
                == "MQTT broker mqtt://u@h:1883/ refused the connection: bad user name or password; check user:password in the broker URL")
    }

    /// CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3) as transport errors.
    @Test(arguments: [
        (UInt8(1), TransportError.Code.protocolError, false), (2, .protocolError, false), (3, .brokerUnavailable, true),
        (4, .authenticationFailed, false), (5, .accessRefused, false), (6, .protocolError, false), (255, .protocolError, false),
    ])
    func connackRefusalsAreClassified(returnCode: UInt8, code: TransportError.Code, transient: Bool) {
        let error = MQTTRefusal.connection(returnCode: returnCode, broker: "mqtt://h:1883/")
        #expect(error.code == code)
        #expect(error.isTransient == transient)
        #expect(error.replyCode == Int(returnCode))
    }

    @Test func theFactoryPassesTheOptionsOn() throws {
        MQTTTransport.register()
        let options = TransportOptions(publishTimeout: .seconds(3), prefetch: 9)
        let transport = try Transports.make(url: BrokerURL(parsing: "mqtt://localhost"), options: options)
        #expect(transport.options == options)
        #expect((transport as? MQTTTransport)?.configuration.publishTimeout == .seconds(3))
        #expect(try Transports.make(url: BrokerURL(parsing: "mqtt://localhost")).options.publishTimeout == nil)
    }

    @Test func aRefusedSubscriptionIsAPermanentAccessRefusal() {
        let error = MQTTRefusal.subscription(topic: "secret", broker: "mqtt://h:1883/")
        #expect(error.code == .accessRefused && !error.isTransient && error.queue == "secret")
    }
}
