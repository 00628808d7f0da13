import MsgFlo
import MsgFloGraph

extension FBPReply {
    /// The graph-protocol message announcing one change (the echo of the request
    /// that made it). Metadata is sent conforming to the schema's typed keys.
    public static func graphChange(_ change: GraphChange, graph: String, responseTo: String? = nil) -> FBPMessage {
        let g = JSONValue.string(graph)
        let (command, payload): (String, [String: JSONValue])
        switch change {
        case .cleared(let clear):
            var object: [String: JSONValue] = ["id": .string(clear.id)]
            if let name = clear.name { object["name"] = .string(name) }
            if let library = clear.library { object["library"] = .string(library) }
            if let main = clear.main { object["main"] = .bool(main) }
            if let icon = clear.icon { object["icon"] = .string(icon) }
            if let description = clear.description { object["description"] = .string(description) }
            (command, payload) = ("clear", object)
        case .nodeAdded(let process):
            (command, payload) = (
                "addnode",
                [
                    "id": .string(process.name), "component": .string(process.component),
                    "metadata": .object(MetadataKind.node.conforming(process.metadata)), "graph": g,
                ]
            )
        case .nodeRemoved(let id):
            (command, payload) = ("removenode", ["id": .string(id), "graph": g])
        case .nodeRenamed(let from, let to):
            (command, payload) = ("renamenode", ["from": .string(from), "to": .string(to), "graph": g])
        case .nodeChanged(let id, let metadata):
            (command, payload) = ("changenode", ["id": .string(id), "metadata": .object(MetadataKind.node.conforming(metadata)), "graph": g])
        case .edgeAdded(let edge, let metadata):
            (command, payload) = (
                "addedge", ["src": port(edge.src), "tgt": port(edge.tgt), "metadata": .object(MetadataKind.edge.conforming(metadata)), "graph": g]
            )
        case .edgeRemoved(let edge):
            (command, payload) = ("removeedge", ["src": port(edge.src), "tgt": port(edge.tgt), "graph": g])
        case .edgeChanged(let edge, let metadata):
            (command, payload) = (
                "changeedge", ["src": port(edge.src), "tgt": port(edge.tgt), "metadata": .object(MetadataKind.edge.conforming(metadata)), "graph": g]
            )
        case .initialAdded(let data, let tgt, let metadata):
            (command, payload) = (
                "addinitial", ["src": ["data": data], "tgt": port(tgt), "metadata": .object(MetadataKind.edge.conforming(metadata)), "graph": g]
            )
        case .initialRemoved(let data, let tgt):
            (command, payload) = ("removeinitial", ["src": ["data": data], "tgt": port(tgt), "graph": g])
        case .exportAdded(let direction, let name, let export):
            (command, payload) = (
                direction == .inport ? "addinport" : "addoutport",
                [
                    "public": .string(name), "node": .string(export.process), "port": .string(export.port),
                    "metadata": .object(MetadataKind.node.conforming(export.metadata)), "graph": g,
                ]
            )
        case .exportRemoved(let direction, let name):
            (command, payload) = (direction == .inport ? "removeinport" : "removeoutport", ["public": .string(name), "graph": g])
        case .exportRenamed(let direction, let from, let to):
            (command, payload) = (
                direction == .inport ? "renameinport" : "renameoutport",
                ["from": .string(from), "to": .string(to), "graph": g]
            )
        case .groupAdded(let group):
            (command, payload) = (
                "addgroup",
                [
                    "name": .string(group.name), "nodes": .array(group.nodes.map(JSONValue.string)),
                    "metadata": .object(MetadataKind.group.conforming(group.metadata)), "graph": g,
                ]
            )
        case .groupRemoved(let name):
            (command, payload) = ("removegroup", ["name": .string(name), "graph": g])
        case .groupRenamed(let from, let to):
            (command, payload) = ("renamegroup", ["from": .string(from), "to": .string(to), "graph": g])
        case .groupChanged(let name, let metadata):
            (command, payload) = ("changegroup", ["name": .string(name), "metadata": .object(MetadataKind.group.conforming(metadata)), "graph": g])
        }
        return FBPMessage(.graph, command, .object(payload), responseTo: responseTo)
    }
}
