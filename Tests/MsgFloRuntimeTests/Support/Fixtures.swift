import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime

enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let runtimeID = "f18a4924-9d4f-414d-a37c-cd24b39bba10"

    static func configuration(
        secret: String? = nil, manage: Bool = false, autoSave: Bool = false,
        rate: Int = 2
    ) -> RuntimeConfiguration {
        RuntimeConfiguration(
            id: runtimeID, label: "test runtime", secret: secret, manageParticipants: manage,
            autoSave: autoSave, edgeDataPerSecond: rate)
    }

    static let library = ComponentLibrary(components: [
        "imageresize/HttpApi": .init(command: "imageresize web --role #ROLE"),
        "imageresize/ResizeImage": .init(command: "imageresize resize --role #ROLE"),
        "imageresize/StoreResult": .init(command: "imageresize store --role #ROLE"),
    ])

    static let imageResizeFBP = """
        # @runtime msgflo
        # @name imageresize
        web(imageresize/HttpApi) RESIZEIMAGE -> IN resize(imageresize/ResizeImage)
        resize OUT -> IN store(imageresize/StoreResult)
        resize ERROR -> IN store
        """

    static func imageResize(storage: GraphStorage? = nil) -> RuntimeGraph {
        // The fixture is valid .fbp; a parse failure is a broken test, reported by the first assertion.
        let graph = (try? FBPParser.parse(imageResizeFBP)) ?? Graph()
        return RuntimeGraph(id: "imageresize", graph: graph, storage: storage)
    }

    /// A participant as a Swift or Node one announces it (`role.PORT` queues).
    static func participant(
        _ role: String, component: String, id: String? = nil,
        inports: [String] = ["in"], outports: [String] = ["out", "error"]
    ) -> ParticipantDefinition {
        .conventional(role: role, component: component, id: id ?? "\(role)-1", inports: inports, outports: outports)
    }

    /// A msgflo-python participant: queues named `role/port`.
    static func pythonParticipant(_ role: String, component: String, inports: [String] = ["in"], outports: [String] = ["out", "error"])
        -> ParticipantDefinition
    {
        ParticipantDefinition(
            id: "\(role)-py", role: role, component: component,
            inports: inports.map { PortDefinition(id: $0, queue: "\(role)/\($0)") },
            outports: outports.map { PortDefinition(id: $0, queue: "\(role)/\($0)") })
    }

    static let web = participant("web", component: "imageresize/HttpApi", inports: [], outports: ["resizeimage"])
    static let resize = participant("resize", component: "imageresize/ResizeImage")
    static let store = participant("store", component: "imageresize/StoreResult", outports: [])

    static func port(_ node: String, _ port: String) -> JSONValue { ["node": .string(node), "port": .string(port)] }
}
