import MsgFlo

extension MQTTPacket {
    /// The packet of one frame (see `MQTTFrame.next`).
    static func decode(header: UInt8, body: ArraySlice<UInt8>) throws(MQTTPacketError) -> MQTTPacket {
        var reader = MQTTReader(bytes: body)
        let type = header >> 4
        let flags = header & 0x0F
        func expectFlags(_ expected: UInt8, _ name: String) throws(MQTTPacketError) {
            guard flags == expected else { throw .invalid("\(name) with flags \(flags)") }
        }
        let packet: MQTTPacket
        switch type {
        case 1:
            try expectFlags(0, "CONNECT")
            guard try reader.string("protocol name") == "MQTT" else { throw .invalid("protocol name is not MQTT") }
            let level = try reader.byte("protocol level")
            guard level == 4 else { throw .invalid("protocol level \(level), expected 4") }
            let connectFlags = try reader.byte("connect flags")
            let keepAlive = try reader.uint16("keep alive")
            let clientID = try reader.string("client id")
            guard connectFlags & 0x04 == 0 else { throw .invalid("will messages are not supported") }
            let username: String? = try connectFlags & 0x80 != 0 ? reader.string("user name") : nil
            var password: String?
            if connectFlags & 0x40 != 0 { password = try MQTTReader.utf8(reader.binary("password"), "password") }
            packet = .connect(
                MQTTConnect(
                    clientID: clientID, cleanSession: connectFlags & 0x02 != 0,
                    keepAlive: keepAlive, username: username, password: password))
        case 2:
            try expectFlags(0, "CONNACK")
            let acknowledge = try reader.byte("connack flags")
            guard acknowledge & 0xFE == 0 else { throw .invalid("CONNACK flags \(acknowledge)") }
            packet = .connack(sessionPresent: acknowledge == 1, returnCode: try reader.byte("return code"))
        case 3:
            let qos = (flags >> 1) & 0x03
            guard qos < 3 else { throw .invalid("PUBLISH with QoS 3") }
            let topic = try reader.string("topic")
            let packetID: UInt16? = try qos > 0 ? reader.uint16("packet id") : nil
            return .publish(
                MQTTPublish(
                    topic: topic, payload: Array(reader.rest()), qos: qos,
                    retain: flags & 0x01 != 0, duplicate: flags & 0x08 != 0, packetID: packetID))
        case 4:
            try expectFlags(0, "PUBACK")
            packet = .puback(packetID: try reader.uint16("packet id"))
        case 8:
            try expectFlags(2, "SUBSCRIBE")
            let packetID = try reader.uint16("packet id")
            var subscriptions: [MQTTSubscription] = []
            while !reader.atEnd {
                let topic = try reader.string("topic filter")
                let qos = try reader.byte("requested QoS")
                guard qos < 3 else { throw .invalid("SUBSCRIBE with QoS \(qos)") }
                subscriptions.append(MQTTSubscription(topic: topic, qos: qos))
            }
            guard !subscriptions.isEmpty else { throw .invalid("SUBSCRIBE without topics") }
            return .subscribe(packetID: packetID, subscriptions: subscriptions)
        case 9:
            try expectFlags(0, "SUBACK")
            let packetID = try reader.uint16("packet id")
            let codes = Array(reader.rest())
            guard !codes.isEmpty else { throw .truncated("SUBACK return codes") }
            return .suback(packetID: packetID, returnCodes: codes)
        case 10:
            try expectFlags(2, "UNSUBSCRIBE")
            let packetID = try reader.uint16("packet id")
            var topics: [String] = []
            while !reader.atEnd { topics.append(try reader.string("topic filter")) }
            guard !topics.isEmpty else { throw .invalid("UNSUBSCRIBE without topics") }
            return .unsubscribe(packetID: packetID, topics: topics)
        case 11:
            try expectFlags(0, "UNSUBACK")
            packet = .unsuback(packetID: try reader.uint16("packet id"))
        case 12:
            try expectFlags(0, "PINGREQ")
            packet = .pingreq
        case 13:
            try expectFlags(0, "PINGRESP")
            packet = .pingresp
        case 14:
            try expectFlags(0, "DISCONNECT")
            packet = .disconnect
        default:
            throw .unsupportedType(type)
        }
        guard reader.atEnd else { throw .invalid("\(reader.remaining) unexpected bytes after the packet's fields") }
        return packet
    }
}

/// Reads MQTT fields off a packet body, throwing `truncated` when one is cut off.
struct MQTTReader {
    var bytes: ArraySlice<UInt8>

    var atEnd: Bool { bytes.isEmpty }
    var remaining: Int { bytes.count }

    mutating func byte(_ what: String) throws(MQTTPacketError) -> UInt8 {
        guard let first = bytes.first else { throw .truncated(what) }
        bytes = bytes.dropFirst()
        return first
    }

    mutating func uint16(_ what: String) throws(MQTTPacketError) -> UInt16 {
        guard bytes.count >= 2 else { throw .truncated(what) }
        let value = UInt16(bytes[bytes.startIndex]) << 8 | UInt16(bytes[bytes.startIndex + 1])
        bytes = bytes.dropFirst(2)
        return value
    }

    mutating func binary(_ what: String) throws(MQTTPacketError) -> ArraySlice<UInt8> {
        let count = Int(try uint16(what))
        guard bytes.count >= count else { throw .truncated(what) }
        defer { bytes = bytes.dropFirst(count) }
        return bytes.prefix(count)
    }

    mutating func string(_ what: String) throws(MQTTPacketError) -> String {
        try MQTTReader.utf8(binary(what), what)
    }

    static func utf8(_ data: ArraySlice<UInt8>, _ what: String) throws(MQTTPacketError) -> String {
        guard let text = String(validating: data, as: UTF8.self) else { throw .invalid("\(what) is not UTF-8") }
        guard !text.contains("\u{0}") else { throw .invalid("\(what) contains U+0000") }
        return text
    }

    mutating func rest() -> ArraySlice<UInt8> {
        defer { bytes = [] }
        return bytes
    }
}
