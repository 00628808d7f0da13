import MsgFlo

/// The rule both TLS transports share (see `CABundle`).
typealias AMQPCABundle = CABundle
