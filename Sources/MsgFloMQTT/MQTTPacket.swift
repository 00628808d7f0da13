import MsgFlo

/// The MQTT 3.1.1 control packets this client sends and understands.
///
/// Pure values: `encode()` and `decode(header:body:)` do no I/O, so the wire
/// format is tested with tables and the connection thread only moves bytes.
enum MQTTPacket: Sendable, Hashable {
    case connect(MQTTConnect)
    case connack(sessionPresent: Bool, returnCode: UInt8)
    case publish(MQTTPublish)
    case puback(packetID: UInt16)
    case subscribe(packetID: UInt16, subscriptions: [MQTTSubscription])
    case suback(packetID: UInt16, returnCodes: [UInt8])
    case unsubscribe(packetID: UInt16, topics: [String])
    case unsuback(packetID: UInt16)
    case pingreq
    case pingresp
    case disconnect
}

/// The fields of CONNECT this client uses (no will message: msgflo has none).
struct MQTTConnect: Sendable, Hashable {
    var clientID: String
    var cleanSession: Bool = true
    /// Seconds; 0 turns keepalive off.
    var keepAlive: UInt16
    var username: String?
    var password: String?
}

/// One PUBLISH; the topic is the msgflo queue or exchange name.
struct MQTTPublish: Sendable, Hashable {
    var topic: String
    var payload: [UInt8]
    var qos: UInt8 = 0
    var retain: Bool = false
    var duplicate: Bool = false
    /// Present exactly when `qos > 0`.
    var packetID: UInt16?
}

/// A topic filter and the maximum QoS asked for it.
struct MQTTSubscription: Sendable, Hashable {
    var topic: String
    var qos: UInt8
}
