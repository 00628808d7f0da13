import MsgFlo

/// Bytes from the broker that are not a valid MQTT 3.1.1 packet. The
/// connection drops the socket on any of them and reconnects: a stream that
/// lost its framing cannot be resynchronised.
enum MQTTPacketError: Error, Hashable, CustomStringConvertible {
    /// The remaining-length field runs past four bytes.
    case malformedLength
    /// The packet announces more bytes than this client accepts.
    case tooLarge(size: Int, limit: Int)
    /// The packet ends before a field it announces.
    case truncated(String)
    /// A field holds a value the protocol forbids (bad flags, bad UTF-8, QoS 3...).
    case invalid(String)
    /// A packet type this client does not handle (e.g. QoS 2 flow).
    case unsupportedType(UInt8)
    /// A string or payload too long for its length prefix.
    case fieldTooLong(String)

    var description: String {
        switch self {
        case .malformedLength: "malformed MQTT packet: remaining length longer than 4 bytes"
        case .tooLarge(let size, let limit): "MQTT packet of \(size) bytes exceeds the limit of \(limit) bytes"
        case .truncated(let what): "truncated MQTT packet: \(what) is cut off"
        case .invalid(let what): "invalid MQTT packet: \(what)"
        case .unsupportedType(let type): "unsupported MQTT packet type \(type)"
        case .fieldTooLong(let what): "\(what) is too long for MQTT (at most 65535 bytes)"
        }
    }
}
