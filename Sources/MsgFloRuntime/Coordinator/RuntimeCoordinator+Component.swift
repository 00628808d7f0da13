import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    mutating func handleComponent(_ request: ComponentRequest, _ context: RequestContext, _ out: inout Outbox) {
        switch request {
        case .list:
            let names = Set(library.components.keys).union(components.keys).sorted()
            for name in names { reply(componentMessage(name), context, &out) }
            reply(FBPMessage(.component, "componentsready", .number(Double(names.count))), context, &out)
        case .getSource(let name):
            if let slot = slots[name] {
                let code = graphSource(slot.graph.graph)
                reply(sourceMessage(name, language: "json", code: code), context, &out)
            } else if library.entry(for: name) != nil || components[name] != nil {
                reply(sourceMessage(name, language: "json", code: componentSource(name)), context, &out)
            } else {
                let known = (graphOrder + Set(library.components.keys).union(components.keys).sorted()).joined(separator: ", ")
                fail(
                    .component, "no component or graph '\(name)' (known: \(known.isEmpty ? "none" : known)); component:list names them", context, &out
                )
            }
        }
    }

    /// The graph as JSON, annotated with the live state (see `LiveView`), and
    /// with the participants the graph does not name listed under
    /// `properties.msgflo.unlisted` (`[{id, role, component}]`).
    func graphSource(_ graph: Graph) -> String {
        var annotated = liveView.annotated(graph)
        let roles = Set(graph.processes.map(\.name))
        let unlisted = registry.participants.filter { !roles.contains($0.role) }.map { entry -> JSONValue in
            ["id": .string(entry.id), "role": .string(entry.role), "component": .string(entry.definition.component)]
        }
        annotated.properties[MetadataPatch.reservedKey] = ["unlisted": .array(unlisted)]
        return annotated.jsonText()
    }

    /// `component:component` for a name from the library and/or discovery. Ports
    /// are known only from discovery; a component nothing announced lists none.
    func componentMessage(_ name: String) -> FBPMessage {
        let definition = components[name]
        let command = library.entry(for: name)?.entry.command
        var payload: [String: JSONValue] = [
            "name": .string(name), "subgraph": false,
            "inPorts": .array((definition?.inports ?? []).map(Self.portJSON)),
            "outPorts": .array((definition?.outports ?? []).map(Self.portJSON)),
        ]
        if let description = definition?.description ?? definition?.label ?? command { payload["description"] = .string(description) }
        if let icon = definition?.icon { payload["icon"] = .string(icon) }
        return FBPMessage(.component, "component", .object(payload))
    }

    static func portJSON(_ port: PortDefinition) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(port.id), "type": .string(port.type)]
        if let description = port.description { object["description"] = .string(description) }
        if let schema = port.schema, URL(string: schema)?.scheme != nil { object["schema"] = .string(schema) }
        return .object(object)
    }

    /// A component's "source" is what the runtime knows of it, read-only: the
    /// command line from the library and the definition its participants announced.
    func componentSource(_ name: String) -> String {
        var object: [(key: String, value: OrderedJSON)] = []
        if let entry = library.entry(for: name)?.entry { object.append(("command", .string(entry.command))) }
        if let definition = components[name], case .object(var payload)? = DiscoveryMessage(participant: definition).json["payload"] {
            payload.removeValue(forKey: "id")
            payload.removeValue(forKey: "role")
            object.append(("definition", OrderedJSON(sorted: .object(payload))))
        }
        return OrderedJSON.object(object).rendered(pretty: true) + "\n"
    }

    /// `component:source`: `name` without its library prefix, the prefix as `library`.
    func sourceMessage(_ fullName: String, language: String, code: String) -> FBPMessage {
        var payload: [String: JSONValue] = ["language": .string(language), "code": .string(code)]
        if let slash = fullName.lastIndex(of: "/") {
            payload["name"] = .string(String(fullName[fullName.index(after: slash)...]))
            payload["library"] = .string(String(fullName[..<slash]))
        } else {
            payload["name"] = .string(fullName)
        }
        return FBPMessage(.component, "source", .object(payload))
    }
}
