/// Why a transport could not do what was asked, the same for every transport
/// (AMQP, MQTT, in-process), so callers branch on `code` and `isTransient`
/// instead of on each transport's own errors.
///
/// `isTransient` is the one question the runtime asks: a transient failure
/// (the broker unreachable, a publish not confirmed in time) may succeed if
/// tried again later, so a participant requeues the message (within its retry
/// budget) and the web answers 503; a permanent one (the broker refused the
/// message or the credentials) fails the same way every time, so the message
/// goes to the error port and the dead-letter queue at once.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure: an extensible set (new codes may be added), so
    /// switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed = "connection_failed"
            case authenticationFailed = "authentication_failed"
            case notConnected = "not_connected"
            case closed
            case publishTimeout = "publish_timeout"
            case publishRejected = "publish_rejected"
            case unroutable
            case messageTooLarge = "message_too_large"
            case accessRefused = "access_refused"
            case preconditionFailed = "precondition_failed"
            case notFound = "not_found"
            case resourceLocked = "resource_locked"
            case brokerUnavailable = "broker_unavailable"
            case protocolError = "protocol_error"
            case invalidName = "invalid_name"
            case unsupportedURL = "unsupported_url"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The broker cannot be reached or dropped the connection (refused,
        /// unknown host, lost, CONNECTION_FORCED). Transient.
        public static let connectionFailed = Code(.connectionFailed)
        /// The broker refused the user name or password. Permanent.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The transport is not connected (before `connect()`, after `disconnect()`). Transient.
        public static let notConnected = Code(.notConnected)
        /// The transport was disconnected before the request completed. Transient.
        public static let closed = Code(.closed)
        /// The broker did not confirm a publish in time (unreachable, or
        /// blocking publishers on a memory or disk alarm). Transient.
        public static let publishTimeout = Code(.publishTimeout)
        /// The broker nacked a publish: it could not take responsibility for
        /// it (a full queue with `reject-publish`, an internal error). Transient.
        public static let publishRejected = Code(.publishRejected)
        /// No queue is bound to take the message (AMQP 312 NO_ROUTE). Permanent.
        public static let unroutable = Code(.unroutable)
        /// The message is larger than the broker accepts (AMQP 311, RabbitMQ's
        /// `max_message_size`). Permanent.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// The broker user may not do this (AMQP 403, 530; MQTT not authorised, SUBACK 0x80). Permanent.
        public static let accessRefused = Code(.accessRefused)
        /// A queue or exchange exists with other properties (AMQP 406). Permanent.
        public static let preconditionFailed = Code(.preconditionFailed)
        /// The queue, exchange or virtual host does not exist (AMQP 404, 402). Permanent.
        public static let notFound = Code(.notFound)
        /// An exclusive queue is in use by another connection (AMQP 405). Transient.
        public static let resourceLocked = Code(.resourceLocked)
        /// The broker is out of resources or failed internally (AMQP 506, 541;
        /// MQTT "server unavailable"). Transient.
        public static let brokerUnavailable = Code(.brokerUnavailable)
        /// The broker and this client disagree on the protocol (AMQP 50x, 540;
        /// MQTT protocol level or client id refused). Permanent.
        public static let protocolError = Code(.protocolError)
        /// A queue, exchange or topic name the broker cannot use (an MQTT
        /// wildcard in a published topic). Permanent.
        public static let invalidName = Code(.invalidName)
        /// The broker URL's scheme is not one this transport speaks. Permanent.
        public static let unsupportedURL = Code(.unsupportedURL)

        /// Whether trying again later may succeed.
        public var isTransient: Bool {
            switch base {
            case .connectionFailed, .notConnected, .closed, .publishTimeout, .publishRejected,
                .resourceLocked, .brokerUnavailable:
                true
            case .authenticationFailed, .unroutable, .messageTooLarge, .accessRefused, .preconditionFailed,
                .notFound, .protocolError, .invalidName, .unsupportedURL:
                false
            }
        }

        /// The stable snake_case name, as error ports and logs carry it (`message_too_large`).
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What happened and what to do about it, for a log line or an error answer.
    public var message: String
    /// The broker URL involved, password removed, when there is one.
    public var url: String?
    /// The queue, exchange or topic involved, when there is one.
    public var queue: String?
    /// The broker's own reply code (AMQP reply code, MQTT CONNACK return code), when it gave one.
    public var replyCode: Int?

    public init(_ code: Code, _ message: String, url: String? = nil, queue: String? = nil, replyCode: Int? = nil) {
        self.code = code
        self.message = message
        self.url = url
        self.queue = queue
        self.replyCode = replyCode
    }

    /// Whether trying again later may succeed (the code's answer).
    public var isTransient: Bool { code.isTransient }

    public var description: String { message }
}
