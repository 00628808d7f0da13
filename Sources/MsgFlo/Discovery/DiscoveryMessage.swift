import Foundation

/// The announcement a participant sends on the `fbp` queue so coordinators
/// learn its role, component and, above all, its real queue names:
/// `{"protocol":"discovery","command":"participant","payload":{...}}`.
public struct DiscoveryMessage: Sendable, Hashable {
    /// The queue (AMQP: default exchange, routing key `fbp`) or MQTT topic discovery goes to.
    public static let queue = "fbp"

    public var participant: ParticipantDefinition

    public init(participant: ParticipantDefinition) {
        self.participant = participant
    }

    /// The wire form. Hidden ports are left out and nil keys are omitted, as msgflo-nodejs does.
    public var json: JSONValue {
        var payload: [String: JSONValue] = [
            "id": .string(participant.id),
            "role": .string(participant.role),
            "component": .string(participant.component),
            "inports": .array(participant.inports.filter { !$0.isHidden }.map(Self.portJSON)),
            "outports": .array(participant.outports.filter { !$0.isHidden }.map(Self.portJSON)),
        ]
        if let label = participant.label { payload["label"] = .string(label) }
        if let icon = participant.icon { payload["icon"] = .string(icon) }
        if let description = participant.description { payload["description"] = .string(description) }
        return ["protocol": "discovery", "command": "participant", "payload": .object(payload)]
    }

    public func encoded() -> Data { json.encoded() }

    private static func portJSON(_ port: PortDefinition) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(port.id), "type": .string(port.type), "queue": .string(port.queue)]
        if let description = port.description { object["description"] = .string(description) }
        if let schema = port.schema { object["schema"] = .string(schema) }
        if let hidden = port.hidden { object["hidden"] = .bool(hidden) }
        if let persistent = port.persistent { object["persistent"] = .bool(persistent) }
        return .object(object)
    }

    // MARK: decoding

    /// Parses and validates a message body. Lenient where msgflo
    /// implementations differ (a port without `type` gets "any"; null optional
    /// keys count as absent), strict on what a coordinator needs.
    public init(decoding data: Data) throws {
        guard let json = try? JSONValue(parsing: data) else { throw DiscoveryMessageError.notJSON }
        try self.init(json: json)
    }

    public init(json: JSONValue) throws {
        guard let message = json.objectValue else { throw DiscoveryMessageError.notAnObject(path: "") }
        guard let proto = message["protocol"]?.stringValue, proto == "discovery" else {
            throw DiscoveryMessageError.wrongProtocol(message["protocol"]?.stringValue)
        }
        guard let command = message["command"]?.stringValue, command == "participant" else {
            throw DiscoveryMessageError.wrongCommand(message["command"]?.stringValue)
        }
        guard let payloadValue = message["payload"], payloadValue != .null else {
            throw DiscoveryMessageError.missingKey(path: "payload")
        }
        guard let payload = payloadValue.objectValue else { throw DiscoveryMessageError.notAnObject(path: "payload") }
        let fields = Fields(object: payload, path: "payload")
        participant = ParticipantDefinition(
            id: try fields.requiredString("id"),
            role: try fields.requiredString("role"),
            component: try fields.requiredString("component"),
            label: try fields.optionalString("label"),
            icon: try fields.optionalString("icon"),
            description: try fields.optionalString("description"),
            inports: try fields.ports("inports"),
            outports: try fields.ports("outports"))
    }

    /// Typed access to the keys of one JSON object, with the path for errors.
    private struct Fields {
        var object: [String: JSONValue]
        var path: String

        func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

        func requiredString(_ name: String) throws -> String {
            guard let value = object[name], value != .null else { throw DiscoveryMessageError.missingKey(path: key(name)) }
            guard let string = value.stringValue else { throw DiscoveryMessageError.wrongType(path: key(name), expected: "a string") }
            return string
        }

        func optionalString(_ name: String) throws -> String? {
            guard let value = object[name], value != .null else { return nil }
            guard let string = value.stringValue else { throw DiscoveryMessageError.wrongType(path: key(name), expected: "a string") }
            return string
        }

        func optionalBool(_ name: String) throws -> Bool? {
            guard let value = object[name], value != .null else { return nil }
            guard let bool = value.boolValue else { throw DiscoveryMessageError.wrongType(path: key(name), expected: "true or false") }
            return bool
        }

        func ports(_ name: String) throws -> [PortDefinition] {
            guard let value = object[name], value != .null else { throw DiscoveryMessageError.missingKey(path: key(name)) }
            guard let array = value.arrayValue else { throw DiscoveryMessageError.wrongType(path: key(name), expected: "an array of ports") }
            return try array.enumerated().map { index, element in
                let portPath = "\(key(name))[\(index)]"
                guard let object = element.objectValue else { throw DiscoveryMessageError.notAnObject(path: portPath) }
                let port = Fields(object: object, path: portPath)
                return PortDefinition(
                    id: try port.requiredString("id"), type: try port.optionalString("type") ?? "any",
                    queue: try port.requiredString("queue"),
                    description: try port.optionalString("description"),
                    schema: try port.optionalString("schema"),
                    hidden: try port.optionalBool("hidden"),
                    persistent: try port.optionalBool("persistent"))
            }
        }
    }
}
