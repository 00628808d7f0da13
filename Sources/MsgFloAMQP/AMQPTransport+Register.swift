import MsgFlo

extension AMQPTransport {
    /// Makes `Transports.make` answer `amqp://` and `amqps://` URLs with this transport.
    public static func register() {
        Transports.register([.amqp, .amqps]) { url, options in
            var configuration = Configuration()
            if let timeout = options.publishTimeout { configuration.publishTimeout = timeout }
            return try AMQPTransport(url: url, configuration: configuration)
        }
    }
}
