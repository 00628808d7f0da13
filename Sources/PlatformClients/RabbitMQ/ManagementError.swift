/// Why the RabbitMQ management API could not be found or used, each case with
/// what the user can do about it.
public enum ManagementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither an explicit management URL nor a broker URL to derive it from.
    case noBroker
    /// The broker URL does not parse (the reason names the problem).
    case invalidBrokerURL(String)
    /// The broker is not RabbitMQ (MQTT, in-process): there is no management API to derive.
    case notRabbitMQ(String)
    /// The explicit management URL is unusable.
    case invalidManagementURL(String, reason: String)
    /// No HTTP answer at all.
    case unreachable(url: String, reason: String)
    /// 401/403: wrong credentials, or a user without a management tag.
    case unauthorized(url: String, user: String, status: Int)
    /// 404 for a queue, exchange or vhost the call named.
    case notFound(kind: String, name: String, vhost: String)
    /// Another status than the call expects, with RabbitMQ's reason when it gave one.
    case unexpectedStatus(method: String, url: String, status: Int, reason: String)
    /// A policy that cannot be sent.
    case invalidPolicy(name: String, reason: String)
    /// A 2xx answer that is not the management API's JSON.
    case undecodable(url: String, reason: String)

    public var description: String {
        let override = "set RABBITMQ_MANAGEMENT_URL (or GUV_MANAGEMENT_URL, or --management-url) to http://user:password@host:15672"
        switch self {
        case .noBroker:
            return "no broker URL to derive the RabbitMQ management API from; set the AMQP URL (amqp://user:password@host/vhost) or \(override)"
        case .invalidBrokerURL(let reason):
            return "\(reason); cannot derive the RabbitMQ management API from it"
        case .notRabbitMQ(let broker):
            return "the broker \(broker) is not RabbitMQ, so it has no management API; \(override) if there is one"
        case .invalidManagementURL(let url, let reason):
            return "invalid RabbitMQ management URL '\(url)': \(reason)"
        case .unreachable(let url, let reason):
            return
                "the RabbitMQ management API at \(url) is unreachable (\(reason)); is RabbitMQ running with the management plugin? If it listens elsewhere, \(override)"
        case .unauthorized(let url, let user, let status):
            return
                "the RabbitMQ management API at \(url) refused user '\(user)' (HTTP \(status)); check the password, and give the user the 'monitoring' tag (reading) or 'policymaker' (policies)"
        case .notFound(let kind, let name, let vhost):
            return "\(kind) '\(name)' does not exist in vhost '\(vhost)'; check the name, or run msgflo setup to declare the graph's queues"
        case .unexpectedStatus(let method, let url, let status, let reason):
            return "the RabbitMQ management API answered HTTP \(status) to \(method) \(url)\(reason.isEmpty ? "" : ": \(reason)")"
        case .invalidPolicy(let name, let reason):
            return "policy '\(name)' cannot be applied: \(reason)"
        case .undecodable(let url, let reason):
            return
                "the answer of \(url) is not the RabbitMQ management API's (\(reason)); is the URL the management port (15672), not AMQP or another service?"
        }
    }
}
