import MsgFlo
import MsgFloGraph

extension GraphRequest {
    init(command: String, payload p: PayloadReader) throws(FBPRequestProblem) {
        func edge() throws(FBPRequestProblem) -> EdgeEnds { EdgeEnds(src: try p.port("src"), tgt: try p.port("tgt")) }
        switch command {
        case "clear":
            self = .clear(
                GraphClear(
                    id: try p.string("id"), name: try p.optionalString("name"),
                    library: try p.optionalString("library"), main: try p.optionalBool("main"),
                    icon: try p.optionalString("icon"), description: try p.optionalString("description")))
        case "addnode":
            self = .addNode(
                graph: try p.string("graph"), id: try p.string("id"), component: try p.string("component"),
                metadata: try p.metadata(.node))
        case "removenode":
            self = .removeNode(graph: try p.string("graph"), id: try p.string("id"))
        case "renamenode":
            self = .renameNode(graph: try p.string("graph"), from: try p.string("from"), to: try p.string("to"))
        case "changenode":
            guard p.present("metadata") != nil else { throw .missingField(path: p.at("metadata"), expected: "an object of metadata") }
            self = .changeNode(graph: try p.string("graph"), id: try p.string("id"), metadata: try p.metadata(.node))
        case "addedge":
            self = .addEdge(graph: try p.string("graph"), edge: try edge(), metadata: try p.metadata(.edge))
        case "removeedge":
            self = .removeEdge(graph: try p.string("graph"), edge: try edge())
        case "changeedge":
            self = .changeEdge(graph: try p.string("graph"), edge: try edge(), metadata: try p.metadata(.edge))
        case "addinitial":
            let src = try p.reader("src", expected: "an object {data}")
            let data = try src.value("data", expected: "the initial packet's value")
            self = .addInitial(graph: try p.string("graph"), data: data, tgt: try p.port("tgt"), metadata: try p.metadata(.edge))
        case "removeinitial":
            var data: JSONValue?
            if p.present("src") != nil { data = try p.reader("src", expected: "an object {data}").object["data"] }
            self = .removeInitial(graph: try p.string("graph"), data: data, tgt: try p.port("tgt"))
        case "addinport", "addoutport":
            self = .addExport(
                graph: try p.string("graph"), direction: command == "addinport" ? .inport : .outport,
                public: try p.string("public"), node: try p.string("node"), port: try p.string("port"),
                metadata: try p.metadata(.node))
        case "removeinport", "removeoutport":
            self = .removeExport(
                graph: try p.string("graph"), direction: command == "removeinport" ? .inport : .outport,
                public: try p.string("public"))
        case "renameinport", "renameoutport":
            self = .renameExport(
                graph: try p.string("graph"), direction: command == "renameinport" ? .inport : .outport,
                from: try p.string("from"), to: try p.string("to"))
        case "addgroup":
            self = .addGroup(
                graph: try p.string("graph"), name: try p.string("name"), nodes: try p.strings("nodes"),
                metadata: try p.metadata(.group))
        case "removegroup":
            self = .removeGroup(graph: try p.string("graph"), name: try p.string("name"))
        case "renamegroup":
            self = .renameGroup(graph: try p.string("graph"), from: try p.string("from"), to: try p.string("to"))
        case "changegroup":
            guard p.present("metadata") != nil else { throw .missingField(path: p.at("metadata"), expected: "an object of metadata") }
            self = .changeGroup(graph: try p.string("graph"), name: try p.string("name"), metadata: try p.metadata(.group))
        default:
            throw FBPRequest.unknown(.graph, command)
        }
    }
}
