import Foundation
import MsgFlo
import MsgFloGraph

/// One FBP protocol message as it travels over the WebSocket:
/// `{protocol, command, payload, secret?, requestId?, responseTo?}`.
///
/// Requests carry `secret` and `requestId` (fbp-protocol 0.8+); the runtime's
/// messages carry `responseTo` when they answer a request. The payload stays
/// JSON here: typed decoding is `FBPRequest`'s job, typed building
/// `FBPReply`'s, so this type can carry any message either way.
public struct FBPMessage: Sendable, Hashable {
    public var `protocol`: String
    public var command: String
    public var payload: JSONValue
    public var secret: String?
    public var requestId: String?
    public var responseTo: String?

    public init(
        protocol: String, command: String, payload: JSONValue,
        secret: String? = nil, requestId: String? = nil, responseTo: String? = nil
    ) {
        self.protocol = `protocol`
        self.command = command
        self.payload = payload
        self.secret = secret
        self.requestId = requestId
        self.responseTo = responseTo
    }

    public init(_ proto: FBPProtocol, _ command: String, _ payload: JSONValue, responseTo: String? = nil) {
        self.init(protocol: proto.rawValue, command: command, payload: payload, responseTo: responseTo)
    }

    /// The message as a JSON object; absent optional keys are left out, as the schemas require.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "protocol": .string(`protocol`), "command": .string(command), "payload": payload,
        ]
        if let secret { object["secret"] = .string(secret) }
        if let requestId { object["requestId"] = .string(requestId) }
        if let responseTo { object["responseTo"] = .string(responseTo) }
        return .object(object)
    }

    /// Compact JSON text for one WebSocket text frame.
    public var text: String { String(decoding: json.encoded(), as: UTF8.self) }
}
