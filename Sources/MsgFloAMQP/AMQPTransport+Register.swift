import MsgFlo

extension AMQPTransport {
    /// Makes `Transports.make` answer `amqp://` and `amqps://` URLs with this transport.
    public static func register() {
        Transports.register([.amqp, .amqps]) { url, options in
            try AMQPTransport(url: url, configuration: Configuration(options: options))
        }
    }
}
