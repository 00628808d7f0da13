import MsgFlo

extension MQTTTransport {
    /// Makes `Transports.make` answer `mqtt://` and `mqtts://` URLs with this transport.
    public static func register() {
        Transports.register([.mqtt, .mqtts]) { url, options in
            try MQTTTransport(url: url, configuration: Configuration(options: options))
        }
    }
}
