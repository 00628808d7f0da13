import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

@Suite(.logsOnFailure) struct PersistenceTests {
    /// The image-resize graph with what editors add: positions, labels, routes, groups, export metadata.
    static func edited() -> Graph {
        var graph = Fixtures.imageResize().graph
        graph.processes[0].metadata = ["x": 100, "y": 50]
        graph.processes[1].metadata = ["x": 300.5, "y": 50, "label": "Resize worker"]
        graph.connections[1].metadata = ["route": 3]
        graph.connections.append(GraphConnection(data: ["w": 1], to: PortRef(process: "resize", port: "in"), metadata: ["route": 1]))
        graph.inports["jobs"] = GraphExport(process: "resize", port: "in", metadata: ["x": 0, "y": 0])
        graph.groups = [GraphGroup(name: "workers", nodes: ["resize", "store"], metadata: ["description": "scaled by guv"])]
        graph.properties["maintainers"] = ["ops"]
        return graph
    }

    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var graph: Graph
        var sidecar: Bool
        var testDescription: String { name }
    }

    static let roundTrips: [RoundTrip] = [
        RoundTrip(name: ".fbp that holds everything: no sidecar", path: "/g/imageresize.fbp", graph: Fixtures.imageResize().graph, sidecar: false),
        RoundTrip(name: ".fbp with editor metadata: sidecar", path: "/g/imageresize.fbp", graph: edited(), sidecar: true),
        RoundTrip(name: ".json holds everything itself", path: "/g/imageresize.json", graph: edited(), sidecar: false),
    ]

    @Test(arguments: roundTrips)
    func savedGraphsLoadBackEqual(_ testCase: RoundTrip) throws {
        let storage = try GraphStorage(path: testCase.path)
        let save = try storage.save(testCase.graph)
        #expect(save.path == testCase.path)
        #expect((save.sidecarText != nil) == testCase.sidecar)
        #expect(save.sidecarPath == (storage.format == .fbp ? testCase.path + ".meta.json" : nil))
        let loaded = try storage.load(text: save.text, sidecarText: save.sidecarText)
        #expect(loaded.graph == testCase.graph)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func theSidecarHoldsOnlyWhatFBPLoses() throws {
        let sidecar = try FBPSidecar(lostBy: Self.edited())
        #expect(sidecar.losses.processes.map(\.name) == ["resize"], "web's whole-number x/y fit in .fbp")
        #expect(sidecar.losses.processes.first?.metadata == ["x": 300.5, "label": "Resize worker"])
        #expect(sidecar.losses.connections.count == 2)
        #expect(sidecar.losses.inports.keys.sorted() == ["jobs"])
        #expect(sidecar.losses.groups.map(\.name) == ["workers"])
        #expect(sidecar.losses.properties == ["maintainers": ["ops"]])
    }

    @Test func sidecarEntriesTheFBPNoLongerMatchesAreDroppedWithAWarning() throws {
        let storage = try GraphStorage(path: "/g/imageresize.fbp")
        let save = try storage.save(Self.edited())
        let handEdited = save.text.replacingOccurrences(of: "resize", with: "thumbs")
        let loaded = try storage.load(text: handEdited, sidecarText: save.sidecarText)
        #expect(loaded.warnings.count == 4, "node, two connections and a group: \(loaded.warnings)")
        #expect(loaded.warnings.allSatisfy { $0.hasPrefix("/g/imageresize.fbp.meta.json: ") })
        #expect(loaded.warnings.contains { $0.contains("node 'resize', which the graph no longer has") })
        #expect(loaded.graph.groups.map(\.nodes) == [["store"]])
    }

    @Test func aBrokenSidecarNamesItself() throws {
        let storage = try GraphStorage(path: "/g/x.fbp")
        do {
            _ = try storage.load(text: "a(A) OUT -> IN b(B)", sidecarText: "}")
            Issue.record("a broken sidecar was accepted")
        } catch {
            #expect(error.description.hasPrefix("/g/x.fbp.meta.json: invalid JSON: line 1, column 1"), "\(error)")
        }
    }

    @Test func theGraphIDIsItsNameElseTheFileName() throws {
        let storage = try GraphStorage(path: "/g/flows/main.fbp")
        #expect(storage.graphID(for: Fixtures.imageResize().graph) == "imageresize")
        #expect(storage.graphID(for: Graph()) == "main")
    }

    @Test func atomicSavesWriteBothFilesAndRemoveAStaleSidecar() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("msgflo-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = GraphStorage(path: directory.appendingPathComponent("g.fbp").path, format: .fbp)
        try AtomicFile.perform(try storage.save(Self.edited()))
        let sidecarPath = try #require(storage.sidecarPath)
        #expect(FileManager.default.fileExists(atPath: sidecarPath))
        let text = try String(contentsOfFile: storage.path, encoding: .utf8)
        let loaded = try storage.load(text: text, sidecarText: try String(contentsOfFile: sidecarPath, encoding: .utf8))
        #expect(loaded.graph == Self.edited())

        try AtomicFile.perform(try storage.save(Fixtures.imageResize().graph))
        #expect(!FileManager.default.fileExists(atPath: sidecarPath))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names == ["g.fbp"], "no temporary file is left behind")
        #expect(throws: GraphFileError.self) { try AtomicFile.write("x", to: directory.appendingPathComponent("missing/g.fbp").path) }
    }

    struct AutoSaveCase: Sendable, CustomTestStringConvertible {
        var name: String
        var autoSave: Bool
        var storage: GraphStorage?
        var saves: [String]
        var testDescription: String { name }
    }

    static let autoSaveCases: [AutoSaveCase] = [
        AutoSaveCase(
            name: "auto-save on a file graph", autoSave: true, storage: GraphStorage(path: "/g/imageresize.fbp", format: .fbp),
            saves: ["save /g/imageresize.fbp"]),
        AutoSaveCase(name: "auto-save off", autoSave: false, storage: GraphStorage(path: "/g/imageresize.fbp", format: .fbp), saves: []),
        AutoSaveCase(name: "a graph made over the protocol has no file", autoSave: true, storage: nil, saves: []),
    ]

    @Test(arguments: autoSaveCases)
    func autoSaveWritesAfterEachChange(_ testCase: AutoSaveCase) throws {
        var harness = Harness(
            configuration: Fixtures.configuration(autoSave: testCase.autoSave),
            graphs: [Fixtures.imageResize(storage: testCase.storage)])
        harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        let changed = harness.request("graph", "changenode", ["id": "resize", "metadata": ["label": "Resize worker"], "graph": "imageresize"])
        #expect(changed.actionSummaries == testCase.saves)
        guard case .save(let save)? = changed.actions.first else { return }
        #expect(!save.text.contains("online"), "live state is never saved")
        #expect(save.sidecarText?.contains("Resize worker") == true)
        #expect(
            harness.request("graph", "changenode", ["id": "ghost", "metadata": [:], "graph": "imageresize"]).actions.isEmpty,
            "a refused edit saves nothing")
    }
}
