import Foundation
import Logging
import MsgFlo
import MsgFloAMQP
import PlatformClients
import TestSupport

/// A virtual host of the shared RabbitMQ of its own: a fresh broker for one
/// suite (no `fbp` queue, no policies, no other test's queues), deleted after.
struct TestVhost: Sendable {
    let name: String
    let brokerURL: BrokerURL
    /// The URL as a participant process gets it (with the password).
    let brokerText: String
    /// The management API, in this virtual host.
    let management: RabbitMQManagementClient

    static func create(_ prefix: String = "msgflo-rt") async throws -> TestVhost {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        let base = AMQPTestBroker.url
        let url = BrokerURL(scheme: base.scheme, user: base.user, password: base.password, host: base.host, port: base.port, vhost: name)
        let text = "\(base.scheme.rawValue)://\(base.user ?? "guest"):\(base.password ?? "guest")@\(base.host):\(base.port)/\(name)"
        let endpoint = try ManagementEndpoint.resolve(explicit: AMQPTestBroker.managementURL.absoluteString, broker: url)
        let management = RabbitMQManagementClient(endpoint: endpoint)
        let created = try await management.send("PUT", ["vhosts", name])
        guard [200, 201, 204].contains(created.status) else { throw Failure("PUT vhost \(name): HTTP \(created.status)") }
        let permissions = Data(#"{"configure":".*","write":".*","read":".*"}"#.utf8)
        let granted = try await management.send("PUT", ["permissions", name, endpoint.username], json: permissions)
        guard [200, 201, 204].contains(granted.status) else { throw Failure("PUT permissions on \(name): HTTP \(granted.status)") }
        return TestVhost(name: name, brokerURL: url, brokerText: text, management: management)
    }

    /// Runs `body` in a fresh virtual host and deletes it afterwards, however `body` ends.
    static func with<T: Sendable>(_ body: (TestVhost) async throws -> T) async throws -> T {
        let vhost = try await create()
        do {
            let result = try await body(vhost)
            await vhost.delete()
            return result
        } catch {
            await vhost.delete()
            throw error
        }
    }

    func delete() async {
        _ = try? await management.send("DELETE", ["vhosts", name])
    }

    /// A connected transport in this virtual host.
    func transport() async throws -> AMQPTransport {
        var logger = Logger(label: "test.amqp")
        logger.logLevel = .warning
        return try await AMQPTestBroker.connectedTransport(url: brokerURL, logger: logger)
    }

    /// The bindings whose source is `exchange`, as (destination) names.
    func destinations(of exchange: String) async throws -> [String] {
        try await management.bindings(source: exchange).map(\.destination).sorted()
    }

    /// Names of the queues of the virtual host.
    func queueNames() async throws -> [String] {
        try await management.queues().map(\.name).sorted()
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
