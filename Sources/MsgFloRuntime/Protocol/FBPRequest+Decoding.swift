import MsgFlo
import MsgFloGraph

extension FBPRequest {
    /// The commands this runtime accepts, per protocol, in the order error messages list them.
    public static let supportedCommands: [FBPProtocol: [String]] = [
        .runtime: ["getruntime", "packet"],
        .component: ["list", "getsource"],
        .graph: [
            "clear", "addnode", "removenode", "renamenode", "changenode", "addedge", "removeedge", "changeedge",
            "addinitial", "removeinitial", "addinport", "removeinport", "renameinport",
            "addoutport", "removeoutport", "renameoutport", "addgroup", "removegroup", "renamegroup", "changegroup",
        ],
        .network: ["start", "stop", "getstatus", "edges", "debug"],
        .trace: [],
    ]

    /// Commands of the fbp-protocol schemas this runtime refuses, and why.
    static let unsupported: [FBPProtocol: [String: String]] = [
        .component: ["source": "components are commands in graphs/components.json, not code sent over the protocol; edit that file"],
        .network: ["persist": "the graph is saved to its file after each change when the runtime runs with --auto-save"],
        .trace: [
            "start": "flowtraces are not recorded; watch edges with network:edges instead",
            "stop": "flowtraces are not recorded", "clear": "flowtraces are not recorded",
            "dump": "flowtraces are not recorded",
        ],
    ]

    /// Interprets the payload of an envelope whose secret was already checked.
    public init(envelope: FBPEnvelope) throws(FBPRequestError) {
        let payload = PayloadReader(envelope.payload, path: "payload")
        do throws(FBPRequestProblem) {
            switch envelope.protocol {
            case .runtime: self = .runtime(try RuntimeRequest(command: envelope.command, payload: payload))
            case .component: self = .component(try ComponentRequest(command: envelope.command, payload: payload))
            case .graph: self = .graph(try GraphRequest(command: envelope.command, payload: payload))
            case .network: self = .network(try NetworkRequest(command: envelope.command, payload: payload))
            case .trace: throw Self.unknown(.trace, envelope.command)
            }
        } catch {
            throw FBPRequestError(
                problem: error, protocol: envelope.protocol, command: envelope.command,
                requestId: envelope.requestId, graph: envelope.graph)
        }
    }

    /// Parses a text frame all the way; for callers without a secret to check (tests, tools).
    public init(text: String) throws(FBPRequestError) {
        try self.init(envelope: FBPEnvelope(text: text))
    }

    static func unknown(_ proto: FBPProtocol, _ command: String) -> FBPRequestProblem {
        if let reason = unsupported[proto]?[command] { return .unsupportedCommand(proto, command: command, reason: reason) }
        return .unknownCommand(proto, command: command, known: supportedCommands[proto] ?? [])
    }
}

extension RuntimeRequest {
    init(command: String, payload: PayloadReader) throws(FBPRequestProblem) {
        switch command {
        case "getruntime":
            self = .getRuntime
        case "packet":
            let eventName = try payload.string("event")
            guard let event = RuntimePacket.Event(rawValue: eventName) else {
                let known = RuntimePacket.Event.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(path: payload.at("event"), reason: "'\(eventName)' is not a packet event (\(known))")
            }
            self = .packet(
                RuntimePacket(
                    graph: try payload.string("graph"), port: try payload.string("port"),
                    event: event, payload: payload.object["payload"]))
        default:
            throw FBPRequest.unknown(.runtime, command)
        }
    }
}

extension ComponentRequest {
    init(command: String, payload: PayloadReader) throws(FBPRequestProblem) {
        switch command {
        case "list": self = .list
        case "getsource": self = .getSource(name: try payload.string("name"))
        default: throw FBPRequest.unknown(.component, command)
        }
    }
}

extension NetworkRequest {
    init(command: String, payload: PayloadReader) throws(FBPRequestProblem) {
        switch command {
        case "start": self = .start(graph: try payload.string("graph"))
        case "stop": self = .stop(graph: try payload.string("graph"))
        case "getstatus": self = .getStatus(graph: try payload.string("graph"))
        case "debug": self = .debug(graph: try payload.string("graph"), enable: try payload.bool("enable"))
        case "edges":
            let graph = try payload.string("graph")
            guard let list = payload.present("edges") else {
                throw .missingField(path: payload.at("edges"), expected: "an array of {src: {node, port}, tgt: {node, port}}")
            }
            guard case .array(let items) = list else { throw .wrongType(path: payload.at("edges"), expected: "an array") }
            var edges: [EdgeEnds] = []
            for (index, item) in items.enumerated() {
                let edge = try PayloadReader(value: item, path: "\(payload.at("edges"))[\(index)]")
                edges.append(EdgeEnds(src: try edge.port("src"), tgt: try edge.port("tgt")))
            }
            self = .edges(graph: graph, edges: edges)
        default:
            throw FBPRequest.unknown(.network, command)
        }
    }
}
