import Foundation
import MsgFlo
import MsgFloRuntime
import Synchronization
import Testing

/// An FBP protocol client over a real WebSocket. Every message it receives is
/// validated, as it came over the wire, against the fbp-protocol schemas; the
/// problems are recorded as test issues.
final class FBPTestClient: Sendable {
    let socket: WebSocketTestClient
    let graph: String
    let secret: String?
    private let counter = Mutex(0)
    private let log = Mutex<[FBPMessage]>([])
    /// Every message received, in order.
    var received: [FBPMessage] { log.withLock { $0 } }

    init(socket: WebSocketTestClient, graph: String, secret: String?) {
        self.socket = socket
        self.graph = graph
        self.secret = secret
    }

    static func connect(
        port: Int, path: String = "/", graph: String, secret: String? = nil,
        subprotocol: String? = "noflo"
    ) async throws -> FBPTestClient {
        FBPTestClient(
            socket: try await WebSocketTestClient.connect(port: port, path: path, subprotocol: subprotocol),
            graph: graph, secret: secret)
    }

    func nextRequestId() -> String {
        counter.withLock { count in
            count += 1
            return "r\(count)"
        }
    }

    /// Sends a request; `secret: .some(nil)` sends none even when the client has one.
    @discardableResult
    func send(
        _ proto: String, _ command: String, _ payload: JSONValue, secret: String?? = nil,
        requestId: String? = nil
    ) async throws -> String {
        let id = requestId ?? nextRequestId()
        let message = FBPMessage(
            protocol: proto, command: command, payload: payload,
            secret: secret ?? self.secret, requestId: id)
        try await socket.sendText(message.text)
        return id
    }

    /// The next message, validated; nil when the server closed the connection.
    func next(sourceLocation: SourceLocation = #_sourceLocation) async throws -> FBPMessage? {
        guard case .text(let text) = try await socket.receive() else { return nil }
        let json = try JSONValue(parsing: Data(text.utf8))
        switch FBPSchema.shared {
        case .success(let schema):
            let problems = schema.problems(wire: json)
            #expect(problems.isEmpty, "\(text) does not validate: \(problems)", sourceLocation: sourceLocation)
        case .failure(let error):
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
        let message = FBPMessage(
            protocol: json["protocol"]?.stringValue ?? "", command: json["command"]?.stringValue ?? "",
            payload: json["payload"] ?? .null, responseTo: json["responseTo"]?.stringValue)
        log.withLock { $0.append(message) }
        return message
    }

    /// The next message that is not news the runtime broadcasts on its own
    /// (live state of nodes and edges, the network starting, notices).
    func nextReply(sourceLocation: SourceLocation = #_sourceLocation) async throws -> FBPMessage? {
        while let message = try await next(sourceLocation: sourceLocation) {
            let news = message.responseTo == nil && ["changeedge", "changenode", "started", "output"].contains(message.command)
            if !news { return message }
        }
        return nil
    }

    /// Sends a request, then a `network:getstatus` barrier, and returns what
    /// arrived in between: the request's answers and whatever it caused
    /// (broadcasts included), since the runtime answers in order.
    func request(
        _ proto: String, _ command: String, _ payload: JSONValue, secret: String?? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [FBPMessage] {
        try await send(proto, command, payload, secret: secret)
        let barrier = try await send("network", "getstatus", ["graph": .string(graph)], secret: .some(self.secret))
        var messages: [FBPMessage] = []
        while let message = try await next(sourceLocation: sourceLocation) {
            if message.responseTo == barrier { return messages }
            messages.append(message)
        }
        Issue.record("connection closed while waiting for the answer to \(proto):\(command)", sourceLocation: sourceLocation)
        return messages
    }

    /// Reads until a message matches, up to `limit` messages.
    func waitFor(
        limit: Int = 500, sourceLocation: SourceLocation = #_sourceLocation,
        _ match: (FBPMessage) -> Bool
    ) async throws -> FBPMessage? {
        for _ in 0..<limit {
            guard let message = try await next(sourceLocation: sourceLocation) else { return nil }
            if match(message) { return message }
        }
        return nil
    }
}

extension Array where Element == FBPMessage {
    var commands: [String] { map { "\($0.protocol):\($0.command)" } }
}
