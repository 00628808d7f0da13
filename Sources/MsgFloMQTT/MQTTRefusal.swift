import MsgFlo

/// MQTT 3.1.1 broker refusals as `TransportError`s. Pure, so the CONNACK table is tested.
enum MQTTRefusal {
    /// The kind of failure a CONNACK return code means.
    static func code(connackReturnCode returnCode: UInt8) -> TransportError.Code {
        switch returnCode {
        case 3: .brokerUnavailable
        case 4: .authenticationFailed
        case 5: .accessRefused
        default: .protocolError // 1: protocol level, 2: client id, others: not in 3.1.1
        }
    }

    /// The user-facing error for a CONNACK refusal.
    static func connection(returnCode: UInt8, broker: String) -> TransportError {
        let reason =
            switch returnCode {
            case 1: "it does not speak MQTT 3.1.1 (protocol level 4)"
            case 2: "it rejected the client id"
            case 3: "the MQTT service is unavailable; it is retried"
            case 4: "bad user name or password; check user:password in the broker URL"
            case 5: "not authorised; check the user in the broker URL and the broker's ACL"
            default: "return code \(returnCode)"
            }
        return TransportError(
            code(connackReturnCode: returnCode), "MQTT broker \(broker) refused the connection: \(reason)",
            url: broker, replyCode: Int(returnCode))
    }

    /// A SUBACK with 0x80: the broker will not deliver this topic to us.
    static func subscription(topic: String, broker: String) -> TransportError {
        TransportError(
            .accessRefused, "MQTT broker \(broker) refused the subscription to '\(topic)'; check the broker's ACL",
            url: broker, queue: topic, replyCode: 0x80)
    }

    static func notConnected(_ broker: String) -> TransportError {
        TransportError(.notConnected, "the MQTT transport for \(broker) is not connected; call connect() first", url: broker)
    }

    static func closed(_ broker: String) -> TransportError {
        TransportError(.closed, "the MQTT transport for \(broker) was disconnected before the request completed", url: broker)
    }

    static func invalidTopic(_ message: String, topic: String) -> TransportError {
        TransportError(.invalidName, message, queue: topic)
    }
}

/// Why one connection attempt or session ended, for the connection thread:
/// anything here means "close the socket, back off, reconnect".
struct MQTTConnectionFailure: Error, CustomStringConvertible {
    var description: String
    /// A CONNACK refusal that retrying will not help (`isTransient` false).
    var refusal: TransportError?

    init(_ description: String, refusal: TransportError? = nil) {
        self.description = description
        self.refusal = refusal
    }
}
