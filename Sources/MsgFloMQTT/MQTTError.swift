import MsgFlo
/// What callers of `MQTTTransport` see when something cannot be done.
public struct MQTTError: Error, Hashable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// The broker answered CONNECT with a refusal (bad credentials, not authorised...).
        case connectionRefused
        /// The broker refused a SUBSCRIBE (return code 0x80, e.g. an ACL denies the topic).
        case subscriptionRefused
        /// The transport was disconnected (or never connected) before the request completed.
        case notConnected
        /// The URL cannot be used by this transport (wrong scheme, or mqtts:// which this build cannot speak).
        case unsupportedURL
        /// A queue or exchange name that is not a valid MQTT topic name.
        case invalidTopic
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The user-facing sentence for a CONNACK return code.
    static func refusal(returnCode: UInt8, broker: String) -> MQTTError {
        let reason = switch returnCode {
        case 1: "it does not speak MQTT 3.1.1 (protocol level 4)"
        case 2: "it rejected the client id"
        case 3: "the MQTT service is unavailable"
        case 4: "bad user name or password; check user:password in the broker URL"
        case 5: "not authorised; check the user in the broker URL and the broker's ACL"
        default: "return code \(returnCode)"
        }
        return MQTTError(.connectionRefused, "MQTT broker \(broker) refused the connection: \(reason)")
    }
}

/// Why one connection attempt or session ended, for the connection thread:
/// anything here means "close the socket, back off, reconnect".
struct MQTTConnectionFailure: Error, CustomStringConvertible {
    var description: String
    /// A CONNACK refusal: retrying will not help (except for return code 3).
    var refusal: MQTTError?

    init(_ description: String, refusal: MQTTError? = nil) {
        self.description = description
        self.refusal = refusal
    }
}
