import MsgFlo
import Primitives

/// A request from async Swift to the connection thread.
enum MQTTCommand: Sendable {
    /// QoS 0 resumes once written; QoS 1 once the broker's PUBACK arrives.
    case publish(topic: String, payload: [UInt8], qos: UInt8, reply: CheckedContinuation<Void, any Error>)
    /// Resumes on SUBACK; the thread resubscribes the topic after every reconnect until unsubscribed.
    case subscribe(topic: String, reply: CheckedContinuation<Void, any Error>)
    case unsubscribe(topic: String, reply: CheckedContinuation<Void, any Error>)
    /// Settles a QoS 1 delivery; dropped when it belongs to an earlier connection.
    case puback(packetID: UInt16, generation: Int)
    /// Resumes once connected (at once when already connected).
    case awaitConnected(CheckedContinuation<Void, any Error>)
    /// Resumes every `awaitConnected` waiter with `CancellationError`.
    case cancelConnectWaiters

    /// Publishes and (un)subscriptions wait in the queue while the broker is away;
    /// the other commands are handled (or void) at once.
    var isQoS0Publish: Bool {
        if case .publish(_, _, let qos, _) = self { qos == 0 } else { false }
    }

    var waitsForConnection: Bool {
        switch self {
        case .publish, .subscribe, .unsubscribe: true
        case .puback, .awaitConnected, .cancelConnectWaiters: false
        }
    }
}

/// A PUBLISH from the broker, with what the consumer needs to settle it.
struct MQTTDelivery: Sendable {
    var topic: String
    var payload: [UInt8]
    /// Present for QoS 1: the PUBACK to send once settled.
    var packetID: UInt16?
    /// Which connection it came on; a PUBACK on a later connection would ack another message.
    var generation: Int
    var duplicate: Bool
}

/// What the connection thread needs to know to connect.
struct MQTTConnectionSettings: Sendable {
    /// The broker's nodes, tried in turn (`FailoverRotation`).
    var endpoints: [BrokerURL.Endpoint]
    var username: String?
    var password: String?
    var clientID: String
    /// For mqtts://: what to verify and present.
    var tls: MQTTTLSSettings?
    /// False for a persistent session (a stable `clientID`).
    var cleanSession: Bool
    var keepAlive: Int
    var connectTimeout: Duration
    var backoff: Backoff
    var maximumPacketSize: Int
    /// For log lines: the broker URL without its password.
    var brokerDescription: String
}
