import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import Testing

/// A coordinator driven like the shell drives it, with the clock in the test's
/// hands. Every message it sends is checked against the protocol schemas.
struct Harness {
    var coordinator: RuntimeCoordinator
    var now = Fixtures.t0

    init(
        configuration: RuntimeConfiguration = Fixtures.configuration(), library: ComponentLibrary = Fixtures.library,
        graphs: [RuntimeGraph] = [Fixtures.imageResize()], clients: [ClientID] = ["a", "b"]
    ) {
        coordinator = RuntimeCoordinator(configuration: configuration, library: library, graphs: graphs)
        for client in clients { _ = feed(.clientConnected(client)) }
    }

    /// Feeds one input and returns its outputs, after checking each message against the schemas.
    @discardableResult
    mutating func feed(_ input: RuntimeInput, sourceLocation: SourceLocation = #_sourceLocation) -> [RuntimeOutput] {
        let outputs = coordinator.handle(input, at: now)
        for case .send(_, let message) in outputs {
            switch FBPSchema.shared {
            case .success(let schema):
                let problems = schema.problems(message)
                #expect(problems.isEmpty, "\(message.text) does not validate: \(problems)", sourceLocation: sourceLocation)
            case .failure(let error):
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
        return outputs
    }

    /// Sends a request as JSON from a client.
    @discardableResult
    mutating func request(
        _ proto: String, _ command: String, _ payload: JSONValue, from client: ClientID = "a",
        requestId: String? = "r1", secret: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [RuntimeOutput] {
        let message = FBPMessage(protocol: proto, command: command, payload: payload, secret: secret, requestId: requestId)
        return feed(.frame(client, message.text), sourceLocation: sourceLocation)
    }

    mutating func advance(_ seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }
}

extension RuntimeInput {
    /// A tapped message with a JSON body, as the broker would carry it.
    static func tapped(exchange: String, json: JSONValue) -> RuntimeInput {
        .tapped(exchange: exchange, body: json.encoded())
    }
}

extension Array where Element == RuntimeOutput {
    /// Messages sent to `client`, in order.
    func messages(to client: ClientID) -> [FBPMessage] {
        compactMap { if case .send(client, let message) = $0 { message } else { nil } }
    }

    /// `protocol:command` of each message sent to `client`.
    func commands(to client: ClientID) -> [String] {
        messages(to: client).map { "\($0.protocol):\($0.command)" }
    }

    var actions: [RuntimeAction] {
        compactMap { if case .perform(let action) = $0 { action } else { nil } }
    }

    /// Short names of the actions, e.g. `bind web.RESIZEIMAGE -> resize.IN`.
    var actionSummaries: [String] { actions.map(\.summary) }
}

extension RuntimeAction {
    var summary: String {
        switch self {
        case .bind(let binding, _): "bind \(binding.source) -> \(binding.target)"
        case .unbind(let binding, _): "unbind \(binding.source) -> \(binding.target)"
        case .publish(let queue, let data, let declare):
            "publish \(queue) \(String(decoding: data.encoded(), as: UTF8.self))\(declare.isEmpty ? "" : " (declared)")"
        case .startTap(let exchange): "tap \(exchange)"
        case .stopTap(let exchange): "untap \(exchange)"
        case .startProcess(let role, let command): "start \(role): \(command)"
        case .stopProcess(let role): "stop \(role)"
        case .save(let save): "save \(save.path)"
        }
    }
}

extension FBPMessage {
    /// The `message` of an error payload, for assertions on wording.
    var errorText: String { payload["message"]?.stringValue ?? "" }
}
