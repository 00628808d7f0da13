import Foundation

/// Where the RabbitMQ management API is and how to log in, derived from the AMQP URL
/// as guv did, with an explicit override for brokers whose management API lives
/// elsewhere.
public struct ManagementEndpoint: Equatable, Sendable {
    public var baseURL: URL
    public var username: String
    public var password: String
    /// The vhost queues live in (from the AMQP URL path; "/" by default).
    public var vhost: String

    /// - Parameters:
    ///   - broker: amqp:// or amqps:// URL.
    ///   - environment: GUV_MANAGEMENT_URL or RABBITMQ_MANAGEMENT_URL override the derived URL.
    public static func from(broker: String?, environment: [String: String]) throws(StatsError) -> ManagementEndpoint {
        let amqp = broker.flatMap { URLComponents(string: $0) }
        var vhost = "/"
        if let path = amqp?.percentEncodedPath, path.count > 1 {
            vhost = String(path.dropFirst()).removingPercentEncoding ?? "/"
        }
        if let override = environment["GUV_MANAGEMENT_URL"] ?? environment["RABBITMQ_MANAGEMENT_URL"] {
            guard let parts = URLComponents(string: override), let host = parts.host else {
                throw StatsError("management URL '\(override)' is not a URL; use http://user:pass@host:15672")
            }
            var base = URLComponents()
            base.scheme = parts.scheme ?? "http"
            base.host = host
            base.port = parts.port
            return ManagementEndpoint(baseURL: base.url!,
                                      username: parts.user ?? amqp?.user ?? "guest",
                                      password: parts.password ?? amqp?.password ?? "guest", vhost: vhost)
        }
        guard let amqp, let scheme = amqp.scheme, let host = amqp.host else {
            throw StatsError("no broker URL to derive the management API from; set GUV_BROKER (amqp://user:pass@host/vhost) or GUV_MANAGEMENT_URL")
        }
        var base = URLComponents()
        base.host = host
        switch scheme {
        case "amqp":
            base.scheme = "http"
            base.port = 15672
        case "amqps":
            // Hosted brokers (CloudAMQP) serve the management API over HTTPS on 443.
            base.scheme = "https"
        default:
            throw StatsError("broker URL scheme '\(scheme)' is not amqp or amqps")
        }
        return ManagementEndpoint(baseURL: base.url!, username: amqp.user?.removingPercentEncoding ?? "guest",
                                  password: amqp.password?.removingPercentEncoding ?? "guest", vhost: vhost)
    }

    /// URL of `GET /api/queues/{vhost}/{name}`, both path segments percent-encoded.
    public func queueURL(_ queue: String) -> URL {
        URL(string: baseURL.absoluteString + "/api/queues/" + Self.encode(vhost) + "/" + Self.encode(queue))!
    }

    public var authorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}

/// Queue statistics could not be read, with what to check.
public struct StatsError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
