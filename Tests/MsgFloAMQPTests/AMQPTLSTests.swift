import Foundation
import Testing
@testable import MsgFloAMQP
import MsgFlo
import TestSupport
import Primitives

/// amqps:// against a private RabbitMQ with a TLS listener and a self-signed
/// certificate made for the test.
@Suite("AMQP over TLS", .tags(.brokerRestart), .serialized, .timeLimit(.minutes(5)))
struct AMQPTLSTests {
    let tlsPort = 5693

    /// Writes a self-signed certificate for localhost and the broker's TLS listener config.
    private func prepare(_ broker: PrivateRabbitMQ) throws -> (broker: PrivateRabbitMQ, certificate: String) {
        let certificates = broker.directory.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        let key = certificates.appendingPathComponent("server.key").path
        let certificate = certificates.appendingPathComponent("server.pem").path
        try broker.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let config = broker.directory.appendingPathComponent("advanced.config")
        try """
        [{rabbit, [{ssl_listeners, [\(tlsPort)]},
                   {ssl_options, [{certfile, "\(certificate)"}, {keyfile, "\(key)"},
                                  {verify, verify_none}, {fail_if_no_peer_cert, false}]}]}].
        """.write(to: config, atomically: true, encoding: .utf8)
        var configured = broker
        configured.environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = config.path
        return (configured, certificate)
    }

    @Test func publishesAndConsumesOverAmqps() async throws {
        let (broker, certificate) = try prepare(PrivateRabbitMQ(name: "chaos-amqp-tls", port: 5692, managementPort: 15692))
        try await broker.start()
        defer { try? broker.stopBlocking() }

        // The peer is verified against the test's own CA (the self-signed certificate).
        let url = try BrokerURL(parsing: "amqps://guest:guest@localhost:\(tlsPort)?cacertfile=\(certificate)")
        let transport = try await AMQPTestBroker.connectedTransport(url: url)
        let queue = AMQPTestBroker.uniqueName("tls")
        try await transport.declareInport(queue: queue, options: PortOptions())
        for i in 0..<20 { try await transport.publish(exchange: queue, body: Data("\(i)".utf8)) }
        let received = try await transport.receive(from: queue, amount: 20)
        #expect(Set(received.map { String(decoding: $0.body, as: UTF8.self) }) == Set((0..<20).map(String.init)))
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }
}
