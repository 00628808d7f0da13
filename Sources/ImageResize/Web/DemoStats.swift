import Foundation

/// What the demo shows of a worker queue: how much is waiting and how many
/// workers take from it.
public struct QueueFigures: Sendable, Equatable, Codable {
    /// Ready plus unacknowledged messages, the number guv scales on.
    public var messages: Int
    /// Consumers of the queue: one per running worker process.
    public var consumers: Int

    public init(messages: Int, consumers: Int) {
        self.messages = messages
        self.consumers = consumers
    }
}

/// A management or formation answer the demo could not use, with what to check.
public struct DemoStatsError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Pure readers of the two APIs the demo watches: the RabbitMQ management API
/// (queue depth, consumers) and the Heroku formation API (worker quantity).
/// Kept free of I/O so each answer shape is table-tested.
public enum DemoStats {
    /// Reads `GET /api/queues/{vhost}/{name}`. A queue that was just declared
    /// has no `messages` yet; that reads as 0 rather than as an error.
    public static func queueFigures(from data: Data) throws(DemoStatsError) -> QueueFigures {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw DemoStatsError("the management API answered something that is not a JSON object: \(String(decoding: data.prefix(120), as: UTF8.self))")
        }
        guard object["name"] != nil || object["consumers"] != nil || object["messages"] != nil else {
            throw DemoStatsError("the management API answer has no queue fields; is the URL the management API (port 15672)?")
        }
        return QueueFigures(messages: integer(object["messages"]) ?? 0, consumers: integer(object["consumers"]) ?? 0)
    }

    /// Reads `GET /apps/{app}/formation`: the quantity of process type `type`,
    /// 0 when the formation does not list it (Heroku omits unscaled types).
    public static func formationQuantity(from data: Data, type: String) throws(DemoStatsError) -> Int {
        guard let entries = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw DemoStatsError("the formation API answered something that is not a JSON array of {type, quantity}: \(String(decoding: data.prefix(120), as: UTF8.self))")
        }
        for entry in entries where entry["type"] as? String == type {
            return integer(entry["quantity"]) ?? 0
        }
        return 0
    }

    /// Where the RabbitMQ management API is: `explicit` (RABBITMQ_MANAGEMENT_URL)
    /// when given, else derived from the AMQP broker URL the way this project's
    /// scripts lay ports out (management = AMQP port + 10000, so 5672 -> 15672,
    /// 5710 -> 15710; HTTPS on the default port for amqps), else the local default.
    public static func managementURL(explicit: String?, brokerURL: String?) -> URL? {
        if let explicit, !explicit.isEmpty { return URL(string: explicit) }
        guard let brokerURL, !brokerURL.isEmpty else { return URL(string: "http://guest:guest@localhost:15672") }
        guard let broker = URLComponents(string: brokerURL), let scheme = broker.scheme?.lowercased(),
              scheme == "amqp" || scheme == "amqps" else { return nil }
        var management = URLComponents()
        management.scheme = scheme == "amqps" ? "https" : "http"
        management.host = broker.host ?? "localhost"
        management.percentEncodedUser = broker.percentEncodedUser ?? "guest"
        management.percentEncodedPassword = broker.percentEncodedPassword ?? "guest"
        if scheme == "amqp" { management.port = (broker.port ?? 5672) + 10000 }
        return management.url
    }

    /// The virtual host named by an AMQP URL's path ("/" when there is none).
    public static func virtualHost(brokerURL: String?) -> String {
        guard let brokerURL, let path = URLComponents(string: brokerURL)?.path, path.count > 1 else { return "/" }
        return String(path.dropFirst()).removingPercentEncoding ?? "/"
    }

    /// `/api/queues/{vhost}/{name}` with both parts percent-encoded ("/" becomes %2F).
    public static func queuePath(vhost: String, queue: String) -> String {
        "/api/queues/\(pathSegment(vhost))/\(pathSegment(queue))"
    }

    /// `text` percent-encoded as one path segment ("/" and spaces too).
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Splits a URL's user and password off into a Basic `Authorization`
    /// value, since URLSession on Linux does not send URL credentials itself.
    public static func splitCredentials(_ url: URL) -> (url: URL, authorization: String?) {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return (url, nil) }
        guard let user = components.user else { return (url, nil) }
        let password = components.password ?? ""
        components.user = nil
        components.password = nil
        let token = Data("\(user):\(password)".utf8).base64EncodedString()
        return (components.url ?? url, "Basic \(token)")
    }

    /// A count from a JSON answer; nil for anything that is not a whole
    /// number an Int holds (1e300 or NaN from a broken or hostile server
    /// must not crash the web process).
    static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as Int: return number
        case let number as Double: return Int(exactly: number)
        case let number as NSNumber: return Int(exactly: number.doubleValue)
        case let text as String: return Int(text)
        default: return nil
        }
    }
}
