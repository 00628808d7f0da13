import MsgFlo

extension MQTTTransport {
    /// Makes `Transports.make` answer `mqtt://` URLs with this transport.
    public static func register() {
        Transports.register([.mqtt]) { url, options in
            try MQTTTransport(url: url, configuration: Configuration(options: options))
        }
    }
}
