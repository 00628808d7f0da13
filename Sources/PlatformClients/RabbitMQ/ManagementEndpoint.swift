import Foundation
import MsgFlo

/// Where the RabbitMQ management API is and whom to log in as. Every tool
/// (guv, the demo page, the load test, msgflo) finds it by the same rule:
///
/// 1. An explicit URL wins: a command-line flag, else `GUV_MANAGEMENT_URL`,
///    else `RABBITMQ_MANAGEMENT_URL`. With or without a trailing `/api`; a path
///    prefix (a management API behind a proxy at `/rabbitmq/`) is kept.
/// 2. Else it is derived from the AMQP URL:
///    - `amqp://HOST[:PORT]/VHOST` → `http://HOST:15672/api/`, RabbitMQ's
///      default management port, whatever the AMQP port is;
///    - `amqps://HOST[:PORT]/VHOST` → `https://HOST/api/`, where hosted brokers
///      (CloudAMQP) serve it, on 443.
///
/// A broker whose management API is anywhere else needs rule 1: a local broker
/// on non-default ports (`scripts/services env` exports
/// `RABBITMQ_MANAGEMENT_URL` for the ports it started, the demo's 5710/15710
/// included), or a hosted broker reached with plain `amqp://`.
///
/// User and password are each the explicit URL's, else the AMQP URL's, else
/// `guest`. The virtual host is always the AMQP URL's (`/` when
/// it names none), so queue paths are the ones the participants use.
public struct ManagementEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The API root without credentials and without a trailing slash, e.g.
    /// `http://localhost:15672/api`.
    public var apiURL: URL
    public var username: String
    public var password: String
    /// The virtual host queue, binding and policy paths use.
    public var vhost: String

    /// Environment variables that name the management API, first wins.
    public static let environmentKeys = ["GUV_MANAGEMENT_URL", "RABBITMQ_MANAGEMENT_URL"]
    /// RabbitMQ's default management port, used for `amqp://` brokers.
    public static let defaultPort = 15672

    public init(apiURL: URL, username: String = "guest", password: String = "guest", vhost: String = "/") {
        self.apiURL = apiURL
        self.username = username
        self.password = password
        self.vhost = vhost
    }

    /// The rule above with the environment read: `flag` first, then
    /// `environmentKeys`, then `broker` (an AMQP URL as text; nil or empty
    /// when there is none, which is an error unless an explicit URL is given).
    public static func resolve(
        flag: String? = nil, broker: String?,
        environment: [String: String]
    ) throws(ManagementError) -> ManagementEndpoint {
        let explicit = ([flag] + environmentKeys.map { environment[$0] })
            .compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        var brokerURL: BrokerURL?
        if let broker = broker?.trimmingCharacters(in: .whitespaces), !broker.isEmpty {
            do {
                brokerURL = try BrokerURL(parsing: broker)
            } catch {
                throw .invalidBrokerURL(error.description)
            }
        }
        return try resolve(explicit: explicit, broker: brokerURL)
    }

    /// The rule above for an explicit URL (nil when none) and a parsed broker URL.
    public static func resolve(explicit: String?, broker: BrokerURL?) throws(ManagementError) -> ManagementEndpoint {
        let vhost = broker?.vhost ?? "/"
        let brokerUser = broker?.user ?? "guest"
        let brokerPassword = broker?.password ?? "guest"
        if let explicit {
            return try fromExplicit(explicit, vhost: vhost, user: brokerUser, password: brokerPassword)
        }
        guard let broker else { throw .noBroker }
        var components = URLComponents()
        // BrokerURL keeps an IPv6 literal without its brackets; a URL needs them.
        components.percentEncodedHost = broker.host.contains(":") ? "[\(broker.host)]" : broker.host
        switch broker.scheme {
        case .amqp:
            components.scheme = "http"
            components.port = defaultPort
        case .amqps:
            components.scheme = "https"
        case .mqtt, .mqtts, .direct:
            throw .notRabbitMQ(broker.description)
        }
        components.path = "/api"
        guard let url = components.url else { throw .invalidManagementURL(broker.host, reason: "the broker's host does not make a URL") }
        return ManagementEndpoint(apiURL: url, username: brokerUser, password: brokerPassword, vhost: vhost)
    }

    private static func fromExplicit(
        _ text: String, vhost: String, user: String,
        password: String
    ) throws(ManagementError) -> ManagementEndpoint {
        guard var components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw .invalidManagementURL(redacting(text), reason: "it is not a URL; write it like http://user:password@host:15672")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .invalidManagementURL(redacting(text), reason: "the scheme must be http or https, not \(scheme)")
        }
        let username = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? user
        let secret = components.password ?? password
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        if !path.hasSuffix("/api") { path += "/api" }
        components.percentEncodedPath = path
        guard let url = components.url else {
            throw .invalidManagementURL(redacting(text), reason: "it is not a URL; write it like http://user:password@host:15672")
        }
        return ManagementEndpoint(apiURL: url, username: username, password: secret, vhost: vhost)
    }

    /// The URL of `api/<segments>`, each segment percent-encoded (so the
    /// default vhost `/` becomes `%2F`).
    public func url(_ segments: [String]) -> URL {
        let path = segments.map(Self.encode).joined(separator: "/")
        // Only unreserved ASCII and %XX are appended to a valid URL, which
        // keeps it valid; the fallback is never taken.
        return URL(string: apiURL.absoluteString + "/" + path) ?? apiURL
    }

    /// `Authorization` header value (Basic).
    public var authorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The API URL and the user, never the password.
    public var description: String { "\(apiURL.absoluteString) (user '\(username)', vhost '\(vhost)')" }

    /// Percent-encodes one path segment: everything but unreserved ASCII
    /// (`A-Z a-z 0-9 - . _ ~`), byte by byte in UTF-8.
    public static func encode(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `scheme://user:***@host` so a password never reaches a log line.
    static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"),
            let at = url[schemeEnd.upperBound...].lastIndex(of: "@"),
            let colon = url[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return url }
        return url.replacingCharacters(in: url.index(after: colon)..<at, with: "***")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
