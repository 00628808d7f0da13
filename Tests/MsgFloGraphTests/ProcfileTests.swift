import Foundation
import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

/// The repository root, to test the graphs and library that ship in graphs/.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test(.logsOnFailure) func procfileOfImgfloServerSkipsRoutingNodesAndAppendsIncludes() throws {
    // msgflo spec/procfile.coffee "correct imgflo-server.fbp", plus the RoundRobin node
    // left in (msgflo needs --ignore for it; it is never a process).
    let graph = try FBPParser.parse(
        """
        # !runtime msgflo
        imgflo_api(imgflo-server/HttpApi) NEWJOB -> IN imgflo_jobs(msgflo/RoundRobin) OUT -> JOB imgflo_worker(imgflo-server/ProcessImage)
        imgflo_worker JOBRESULT -> JOBRESULT imgflo_api
        imgflo_jobs DEADLETTER -> IN drop(Drop)

        'ignored' -> IIP imgflo_api
        """)
    let library = ComponentLibrary(components: ["imgflo-server/ProcessImage": .init(command: "node worker.js --name #ROLE")])
    let text = try Procfile.generate(graph: graph, library: library, ignore: ["imgflo_api", "drop"], include: ["web: node index.js"])
    #expect(text == "imgflo_worker: node worker.js --name imgflo_worker\nweb: node index.js\n")
}

@Test(.logsOnFailure) func procfileWithIIPsMatchesMsgflo() throws {
    // msgflo spec/procfile.coffee ".fbp with IIPs" with spec/fixtures/library-noflo.json.
    let graph = try FBPParser.parse(
        """
        # !runtime msgflo

        web(api/Web) FAST -> IN fast(api/Worker)
        web SLOW -> IN slow(api/Worker)

        # includes IIPs for per-role settings
        '8081' -> PORT slow, '8082' -> PORT fast
        """)
    let library = try ComponentLibrary(
        jsonText: """
            {"msgflo": {"variables": {
                "PREFETCH": "--prefetch 1",
                "NOFLO": "node ./node_modules/.bin/noflo-runtime-msgflo --name #ROLE --graph #COMPONENT --cache true --iips #IIPS",
                "DEAD": "--deadletter in"},
              "components": {"api/Web": "node web.js", "api/Worker": "#NOFLO #PREFETCH"}}}
            """)
    let text = try Procfile.generate(graph: graph, library: library, ignore: ["web"], include: ["web: node index.js"])
    #expect(
        text == """
            fast: node ./node_modules/.bin/noflo-runtime-msgflo --name fast --graph api/Worker --cache true --iips '{"port":"8082"}' --prefetch 1
            slow: node ./node_modules/.bin/noflo-runtime-msgflo --name slow --graph api/Worker --cache true --iips '{"port":"8081"}' --prefetch 1
            web: node index.js

            """)
}

@Test(.logsOnFailure) func procfileFailsOnComponentsMissingFromTheLibrary() throws {
    let graph = try FBPParser.parse("w(imgflo-server/ProcessImage)")
    #expect(throws: ComponentLibraryError.unknownComponent(component: "imgflo-server/ProcessImage", role: "w", library: nil, known: [])) {
        try Procfile.generate(graph: graph, library: ComponentLibrary())
    }
}

@Test(.logsOnFailure) func shippedImageResizeGraphAndLibraryGiveAProcfileAndBindings() throws {
    let graph = try Graph.load(path: repositoryRoot.appendingPathComponent("graphs/imageresize.fbp").path)
    #expect(graph.runtime == "msgflo")
    let library = try ComponentLibrary.load(path: repositoryRoot.appendingPathComponent("graphs/components.json").path)
    #expect(
        try Procfile.generate(graph: graph, library: library) == """
            web: imageresize web --role web
            resize: imageresize resize --role resize
            store: imageresize store --role store

            """)
    #expect(
        try BindingPlan.bindings(for: graph) == [
            Binding(source: "web.RESIZEIMAGE", target: "resize.IN"),
            Binding(source: "resize.OUT", target: "store.IN"),
            Binding(source: "resize.ERROR", target: "store.IN"),
        ])
}

@Test(.logsOnFailure, arguments: ["repeat-chain.fbp", "fan-out.fbp", "roundrobin.fbp"])
func shippedExampleGraphsLoadBindAndHaveCommands(file: String) throws {
    let graph = try Graph.load(path: repositoryRoot.appendingPathComponent("graphs/examples/\(file)").path)
    let library = try ComponentLibrary.load(path: repositoryRoot.appendingPathComponent("graphs/components.json").path)
    let procfile = try Procfile.generate(graph: graph, library: library)
    #expect(procfile.split(separator: "\n").count == graph.processes.filter(\.isParticipant).count)
    #expect(try !BindingPlan.bindings(for: graph).isEmpty)
    #expect(try FBPParser.parse(graph.fbpText()) == graph)
}
