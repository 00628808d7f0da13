import Foundation
import Logging
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloMQTT

/// mqtts:// against a private mosquitto with TLS listeners whose certificate
/// a CA made by the test signs: one for any client, one that requires a
/// client certificate from that CA.
@Suite("MQTT over TLS", .tags(.mqttIntegration), .serialized, .timeLimit(.minutes(3)), .logsOnFailure)
struct MQTTTLSTests {
    let tlsPort = 18883
    let clientCertificatePort = 18884

    private func withBroker(_ body: (TestCertificates, PrivateMosquitto) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-tls-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificates = try TestCertificates.make(in: folder)
        let files = "cafile \(certificates.ca)\ncertfile \(certificates.serverCertificate)\nkeyfile \(certificates.serverKey)\n"
        let broker = try PrivateMosquitto(
            port: 1899,
            listeners: "listener \(tlsPort) 127.0.0.1\n\(files)listener \(clientCertificatePort) 127.0.0.1\n\(files)require_certificate true\n")
        defer { broker.destroy() }
        try await broker.start()
        try await waitUntil("the TLS listener", timeout: .seconds(20)) { [tlsPort] in PrivateMosquitto.accepts(port: tlsPort) }
        try await body(certificates, broker)
        try await broker.stop()
    }

    private func roundTrip(_ url: String) async throws {
        let transport = try await MQTTTestBroker.connectedTransport(url: BrokerURL(parsing: url))
        let topic = MQTTTestBroker.uniqueTopic("tls")
        let (mailbox, handle) = try await MQTTTestBroker.collect(transport, topic: topic)
        for i in 0..<20 { try await transport.publish(queue: topic, body: Data("\(i)".utf8)) }
        #expect(try await mailbox.take(20, timeout: 20).map(\.text) == (0..<20).map(String.init))
        // Many TLS records each way: partial writes, and reads that leave bytes inside OpenSSL.
        let large = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await transport.publish(queue: topic, body: large)
        #expect(try await mailbox.take(timeout: 30).body == large)
        await handle.cancel()
        await transport.disconnect()
    }

    /// The first connect fails (no retry: a certificate does not fix itself) with this error.
    private func refusal(_ url: String) async throws -> TransportError? {
        let transport = try MQTTTransport(url: BrokerURL(parsing: url), configuration: MQTTTestBroker.configuration)
        return await #expect(throws: TransportError.self) { try await transport.connect() }
    }

    @Test func publishesAndConsumesOverMqtts() async throws {
        try await withBroker { certificates, _ in
            try await roundTrip("mqtts://localhost:\(tlsPort)?cacertfile=\(certificates.ca)")
            // A client certificate where the listener requires one.
            try await roundTrip(
                "mqtts://localhost:\(clientCertificatePort)?cacertfile=\(certificates.ca)"
                    + "&certfile=\(certificates.clientCertificate)&keyfile=\(certificates.clientKey)")
            // verify=false accepts any certificate and name (insecure, but sometimes wanted).
            try await roundTrip("mqtts://127.0.0.1:\(tlsPort)?verify=false")
        }
    }

    @Test func aCertificateThatDoesNotVerifyIsRefused() async throws {
        try await withBroker { certificates, _ in
            // The certificate names localhost, not 127.0.0.1.
            let wrongName = try await refusal("mqtts://127.0.0.1:\(tlsPort)?cacertfile=\(certificates.ca)")
            #expect(wrongName?.message.contains("does not name 127.0.0.1") == true, "\(String(describing: wrongName))")
            // Signed by a CA the client does not trust.
            let unknownCA = try await refusal("mqtts://localhost:\(tlsPort)?cacertfile=\(certificates.otherCA)")
            #expect(unknownCA?.message.contains("does not verify") == true, "\(String(describing: unknownCA))")
            #expect(unknownCA?.message.contains(certificates.otherCA) == true)
            // The system bundle does not know the test's CA either.
            let system = try await refusal("mqtts://localhost:\(tlsPort)")
            #expect(system?.message.contains("does not verify") == true, "\(String(describing: system))")
            // A missing CA file says which.
            let missing = try await refusal("mqtts://localhost:\(tlsPort)?cacertfile=/nonexistent/ca.pem")
            #expect(missing?.message.contains("cannot read CA certificate file /nonexistent/ca.pem") == true)
        }
    }

    @Test func aTLSConnectionResumesAfterTheBrokerRestarts() async throws {
        try await withBroker { certificates, broker in
            let transport = try await MQTTTestBroker.connectedTransport(
                url: BrokerURL(parsing: "mqtts://localhost:\(tlsPort)?cacertfile=\(certificates.ca)&heartbeat=2"))
            let topic = MQTTTestBroker.uniqueTopic("tls.restart")
            let (mailbox, handle) = try await MQTTTestBroker.collect(transport, topic: topic)
            try await transport.publish(queue: topic, body: Data("before".utf8))
            #expect(try await mailbox.take(timeout: 20).text == "before")
            try await broker.stop()
            try await broker.start()
            try await transport.publish(queue: topic, body: Data("after".utf8))
            #expect(try await mailbox.take(timeout: 30).text == "after")
            await handle.cancel()
            await transport.disconnect()
        }
    }

    @Test func mqttsIsATransportOfItsOwn() throws {
        MQTTTransport.register()
        let transport = try Transports.make(url: BrokerURL(parsing: "mqtts://localhost?cacertfile=/x.pem&certfile=/c.pem"))
        let mqtt = try #require(transport as? MQTTTransport)
        #expect(mqtt.url.port == 8883)
        let settings = MQTTTLSSettings(url: mqtt.url, environment: [:], fileExists: { _ in false })
        #expect(settings.caBundle == CABundle(path: "/x.pem", origin: .urlParameter))
        #expect(settings.certificateFile == "/c.pem")
        #expect(settings.keyFile == nil)
        #expect(settings.verify)
    }
}
