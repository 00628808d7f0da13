import Foundation
import MsgFlo
import MsgFloRuntime
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The real `msgflo runtime` process: its options reach the runtime, edits
/// are saved back to the graph file (--auto-save), SIGTERM ends it cleanly.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .timeLimit(.minutes(2)))
struct RuntimeCommandProcessTests {
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test func optionsReachTheRuntimeEditsAreSavedAndSigtermEndsIt() async throws {
        try await TestVhost.with { vhost in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runtime-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let graph = directory.appendingPathComponent("cli.fbp")
            try "# @name cli\na(Repeat) OUT -> IN b(Repeat)\n".write(to: graph, atomically: true, encoding: .utf8)
            let port = Self.freePort()
            let id = "5c5b0a5e-6f3c-4f4e-8b1a-2d9e4f1c7a10"
            let log = directory.appendingPathComponent("runtime.log")
            let process = try BuiltExecutable.msgflo.start(
                [
                    "runtime", "--graph", graph.path, "--broker", vhost.brokerText, "--port", "\(port)", "--id", id,
                    "--label", "cli test", "--secret", "s3", "--auto-save",
                    "--management-url", AMQPTestBroker.managementURL.absoluteString,
                ], log: log)
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
            #expect(await eventually { output().contains("msgflo runtime: FBP protocol at ws://127.0.0.1:\(port)/") }, "\(output())")

            let client = try await FBPTestClient.connect(port: port, graph: "cli", secret: "s3")
            let runtime = try await client.request("runtime", "getruntime", [:])
            #expect(runtime.first?.payload["id"] == .string(id))
            #expect(runtime.first?.payload["label"] == "cli test")
            #expect(await eventually { (try? await vhost.destinations(of: "a.OUT")) == ["b.IN"] }, "the graph is bound at launch")

            _ = try await client.request("graph", "addnode", ["id": "c", "component": "Repeat", "metadata": ["x": 40, "y": 80], "graph": "cli"])
            _ = try await client.request(
                "graph", "addedge",
                [
                    "src": ["node": "b", "port": "out"], "tgt": ["node": "c", "port": "in"],
                    "metadata": ["route": 3], "graph": "cli",
                ])
            let sidecarPath = graph.path + ".meta.json"
            #expect(
                await eventually {
                    let text = (try? String(contentsOf: graph, encoding: .utf8)) ?? ""
                    return text.contains("c(Repeat:x=40,y=80)") && FileManager.default.fileExists(atPath: sidecarPath)
                }, "auto-saved as .fbp: \((try? String(contentsOf: graph, encoding: .utf8)) ?? "")")
            let sidecar = (try? String(contentsOf: URL(fileURLWithPath: sidecarPath), encoding: .utf8)) ?? ""
            #expect(sidecar.contains("\"route\""), "the edge's route, which .fbp cannot hold, went to the sidecar: \(sidecar)")

            let page = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!)
            #expect(String(decoding: page.0, as: UTF8.self).contains(#"content="/""#), "the page, told where the socket is")

            kill(process.processIdentifier, SIGTERM)
            #expect(await eventually { !process.isRunning })
            #expect(process.terminationStatus == 0, "\(output())")
            #expect(output().contains("runtime stopped"))
        }
    }
}
