import MsgFlo

/// One binding as the management API lists it: messages published to
/// exchange `source` with a matching routing key go to `destination`.
/// Source `""` is the default exchange, which binds every queue by its name.
public struct BrokerBinding: Sendable, Hashable, Codable {
    public enum DestinationType: String, Sendable, Hashable, Codable {
        case queue, exchange
    }

    public var source: String
    public var vhost: String
    public var destination: String
    public var destinationType: DestinationType
    public var routingKey: String
    public var arguments: [String: JSONValue]
    /// The management API's id of the binding among equal source/destination pairs
    /// (needed to delete one).
    public var propertiesKey: String?

    public init(
        source: String, vhost: String = "/", destination: String, destinationType: DestinationType = .queue,
        routingKey: String = "", arguments: [String: JSONValue] = [:], propertiesKey: String? = nil
    ) {
        self.source = source
        self.vhost = vhost
        self.destination = destination
        self.destinationType = destinationType
        self.routingKey = routingKey
        self.arguments = arguments
        self.propertiesKey = propertiesKey
    }

    enum CodingKeys: String, CodingKey {
        case source, vhost, destination, arguments
        case destinationType = "destination_type"
        case routingKey = "routing_key"
        case propertiesKey = "properties_key"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decode(String.self, forKey: .source)
        vhost = try c.decodeIfPresent(String.self, forKey: .vhost) ?? "/"
        destination = try c.decode(String.self, forKey: .destination)
        destinationType = try c.decode(DestinationType.self, forKey: .destinationType)
        routingKey = try c.decodeIfPresent(String.self, forKey: .routingKey) ?? ""
        arguments = try c.decodeIfPresent([String: JSONValue].self, forKey: .arguments) ?? [:]
        propertiesKey = try c.decodeIfPresent(String.self, forKey: .propertiesKey)
    }
}
