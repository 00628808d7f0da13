import MsgFlo

extension MQTTPacket {
    /// The packet's bytes, fixed header included.
    func encode() throws(MQTTPacketError) -> [UInt8] {
        var body = MQTTWriter()
        let header: UInt8
        switch self {
        case .connect(let connect):
            header = 0x10
            try body.string("MQTT")
            body.byte(4) // protocol level 3.1.1
            var flags: UInt8 = connect.cleanSession ? 0x02 : 0
            if connect.username != nil { flags |= 0x80 }
            if connect.password != nil { flags |= 0x40 }
            body.byte(flags)
            body.uint16(connect.keepAlive)
            try body.string(connect.clientID)
            if let username = connect.username { try body.string(username) }
            if let password = connect.password { try body.binary(Array(password.utf8)) }
        case .connack(let sessionPresent, let returnCode):
            header = 0x20
            body.byte(sessionPresent ? 1 : 0)
            body.byte(returnCode)
        case .publish(let publish):
            guard publish.qos <= 2 else { throw .invalid("QoS \(publish.qos)") }
            guard (publish.qos == 0) == (publish.packetID == nil) else {
                throw .invalid("a packet id is required exactly for QoS 1 and 2")
            }
            header = 0x30 | (publish.duplicate ? 0x08 : 0) | (publish.qos << 1) | (publish.retain ? 1 : 0)
            try body.string(publish.topic)
            if let packetID = publish.packetID { body.uint16(packetID) }
            body.bytes(publish.payload)
        case .puback(let packetID):
            header = 0x40
            body.uint16(packetID)
        case .subscribe(let packetID, let subscriptions):
            header = 0x82
            body.uint16(packetID)
            for subscription in subscriptions {
                try body.string(subscription.topic)
                body.byte(subscription.qos)
            }
        case .suback(let packetID, let returnCodes):
            header = 0x90
            body.uint16(packetID)
            body.bytes(returnCodes)
        case .unsubscribe(let packetID, let topics):
            header = 0xA2
            body.uint16(packetID)
            for topic in topics { try body.string(topic) }
        case .unsuback(let packetID):
            header = 0xB0
            body.uint16(packetID)
        case .pingreq: header = 0xC0
        case .pingresp: header = 0xD0
        case .disconnect: header = 0xE0
        }
        guard body.bytes.count <= MQTTFrame.protocolMaximum else {
            throw .tooLarge(size: body.bytes.count, limit: MQTTFrame.protocolMaximum)
        }
        return [header] + MQTTFrame.encodeLength(body.bytes.count) + body.bytes
    }
}

/// Appends MQTT fields to a byte buffer.
struct MQTTWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func bytes(_ values: [UInt8]) { bytes.append(contentsOf: values) }
    mutating func uint16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }

    /// A UTF-8 string with its two-byte length.
    mutating func string(_ text: String) throws(MQTTPacketError) {
        try binary(Array(text.utf8), what: "string '\(text.prefix(40))'")
    }

    mutating func binary(_ data: [UInt8], what: String = "password") throws(MQTTPacketError) {
        guard data.count <= Int(UInt16.max) else { throw .fieldTooLong(what) }
        uint16(UInt16(data.count))
        bytes(data)
    }
}
