import Foundation
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloAMQP

/// amqps:// against a private RabbitMQ with a TLS listener whose certificate
/// is signed by a CA the test makes (as a hosted broker's is signed by a
/// public CA), plus a second, unrelated CA for the failure cases.
@Suite("AMQP over TLS", .tags(.brokerRestart), .serialized, .timeLimit(.minutes(5)), .logsOnFailure)
struct AMQPTLSTests {
    let tlsPort = 5693

    struct Certificates {
        var ca: String
        var otherCA: String
    }

    /// Writes a CA, a localhost certificate it signs, an unrelated CA, and the broker's TLS listener config.
    private func prepare(_ broker: PrivateRabbitMQ) throws -> (broker: PrivateRabbitMQ, certificates: Certificates) {
        let made = try TestCertificates.make(in: broker.directory.appendingPathComponent("certs"))
        let config = broker.directory.appendingPathComponent("advanced.config")
        try """
        [{rabbit, [{ssl_listeners, [\(tlsPort)]},
                   {ssl_options, [{certfile, "\(made.serverCertificate)"}, {keyfile, "\(made.serverKey)"},
                                  {verify, verify_none}, {fail_if_no_peer_cert, false}]}]}].
        """.write(to: config, atomically: true, encoding: .utf8)
        var configured = broker
        configured.environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = config.path
        return (configured, Certificates(ca: made.ca, otherCA: made.otherCA))
    }

    private func withBroker(_ body: (Certificates) async throws -> Void) async throws {
        let (broker, certificates) = try prepare(PrivateRabbitMQ(name: "chaos-amqp-tls", port: 5692, managementPort: 15692))
        try await broker.start()
        defer { try? broker.stopBlocking() }
        try await body(certificates)
    }

    /// Opens one connection on this thread, as its connection thread would.
    private func connectOnce(_ url: String) throws -> AMQPConnection {
        try AMQPConnection(url: try BrokerURL(parsing: url), heartbeat: 0, connectTimeout: .seconds(10))
    }

    @Test func publishesAndConsumesOverAmqps() async throws {
        try await withBroker { certificates in
            let url = try BrokerURL(parsing: "amqps://guest:guest@localhost:\(tlsPort)?cacertfile=\(certificates.ca)")
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

    /// A plain amqps:// URL (as CloudAMQP hands out) with the CA in SSL_CERT_FILE:
    /// `msgflo send` in its own process publishes, and the test reads it back.
    @Test func plainAmqpsURLUsesSSLCertFile() async throws {
        try await withBroker { certificates in
            let reader = try await AMQPTestBroker.connectedTransport(
                url: try BrokerURL(parsing: "amqps://guest:guest@localhost:\(tlsPort)?cacertfile=\(certificates.ca)"))
            let queue = AMQPTestBroker.uniqueName("tls-env")
            try await reader.declareInport(queue: queue, options: PortOptions())

            let result = try await runMsgFlo(
                [
                    "send", "--broker", "amqps://guest:guest@localhost:\(tlsPort)",
                    "--queue", queue, "--json", #"{"via":"SSL_CERT_FILE"}"#,
                ],
                sslCertFile: certificates.ca, waitAtMost: .seconds(60))
            #expect(result.exited == true, "msgflo send did not finish: \(result.output)")
            #expect(result.status == 0, "msgflo send failed: \(result.output)")
            let received = try await reader.receive(from: queue, amount: 1)
            #expect(received.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"via":"SSL_CERT_FILE"}"#])
            try await reader.deleteQueue(queue)
            await reader.disconnect()
        }
    }

    /// The wrong CA, from each place a CA can come from, fails with a message
    /// that names the file, where it came from and what to change.
    @Test func wrongCAFailsWithAClearError() async throws {
        try await withBroker { certificates in
            let fromURL = "amqps://guest:guest@localhost:\(tlsPort)?cacertfile=\(certificates.otherCA)"
            #expect {
                _ = try connectOnce(fromURL)
            } throws: { error in
                let text = "\(error)"
                return text.contains("not signed by a CA in \(certificates.otherCA)") && text.contains("cacertfile")
                    && text.contains("SSL_CERT_FILE")
            }

            // Nothing named: the distribution's bundle is loaded (so the failure
            // names it), not an empty trust store.
            if ProcessInfo.processInfo.environment["SSL_CERT_FILE"] == nil,
                let system = AMQPCABundle.distributionBundles.first(where: { FileManager.default.fileExists(atPath: $0) })
            {
                #expect {
                    _ = try connectOnce("amqps://guest:guest@localhost:\(tlsPort)")
                } throws: { error in
                    "\(error)".contains("not signed by a CA in \(system) (the system CA bundle)")
                }
            }

            // SSL_CERT_FILE in another process: it retries, logging why each time.
            let result = try await runMsgFlo(
                [
                    "send", "--broker", "amqps://guest:guest@localhost:\(tlsPort)",
                    "--queue", "unused", "--json", "{}",
                ],
                sslCertFile: certificates.otherCA, waitAtMost: .seconds(8))
            #expect(result.output.contains("not signed by a CA in \(certificates.otherCA) (SSL_CERT_FILE)"), "\(result.output)")

            // A file that is not there is named, not silently replaced by the system bundle.
            #expect {
                _ = try connectOnce("amqps://guest:guest@localhost:\(tlsPort)?cacertfile=/nonexistent/ca.pem")
            } throws: { error in
                "\(error)".contains("cannot read CA certificate file /nonexistent/ca.pem")
            }
        }
    }

    struct RunResult {
        var exited: Bool
        var status: Int32
        var output: String
    }

    /// Runs `msgflo ARGS` with SSL_CERT_FILE set; stops it after `waitAtMost`.
    private func runMsgFlo(_ arguments: [String], sslCertFile: String, waitAtMost: Duration) async throws -> RunResult {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("msgflo-tls-\(UUID().uuidString).log")
        let process = try BuiltExecutable.msgflo.start(arguments, environment: ["SSL_CERT_FILE": sslCertFile, "MSGFLO_BROKER": nil], log: log)
        let exited = await eventually(timeout: waitAtMost) { !process.isRunning }
        if !exited {
            process.terminate()
            process.waitUntilExit()
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return RunResult(exited: exited, status: exited ? process.terminationStatus : -1, output: output)
    }
}
