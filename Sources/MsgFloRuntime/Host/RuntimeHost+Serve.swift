import Foundation
import HTTPServer
import Logging

extension RuntimeHost {
    /// The WebSocket subprotocol FBP clients (Flowhub, noflo-ui) ask for; a
    /// client asking for none is served too.
    public static let subprotocols = ["noflo"]

    /// Serves one FBP client for the life of its WebSocket: each text frame is
    /// a request for the coordinator; its answers and the broadcasts go out
    /// through the client's own queue and writer task.
    public func serve(_ socket: WebSocket) async {
        let (id, outbox) = clients.add(socket)
        input(.clientConnected(id))
        logger.info("FBP client connected", metadata: ["client": "\(id)", "subprotocol": "\(socket.subprotocol ?? "none")"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in outbox {
                    // Fails once the socket is closing (the peer left, or stopped reading).
                    do { try await socket.send(text: text) } catch { return }
                }
            }
            for await message in socket.messages {
                switch message {
                case .text(let text):
                    input(.frame(id, text))
                case .binary(let bytes):
                    // The protocol is JSON text; a binary frame gets the same answer as any bad frame.
                    input(.frame(id, String(decoding: bytes, as: UTF8.self)))
                }
            }
            clients.remove(id)
            input(.clientDisconnected(id))
        }
        logger.info("FBP client disconnected", metadata: ["client": "\(id)"])
    }

    /// Mounts the runtime on a router: the FBP WebSocket at `socketPath` and,
    /// when `pagePath` is given, the live graph page (which finds the socket
    /// through its `msgflo-runtime-websocket` meta tag). Both may be one path:
    /// an upgrade request gets the socket, any other GET the page.
    public func mount(on router: inout Router, socketPath: String, pagePath: String?) {
        router.webSocket(socketPath, subprotocols: Self.subprotocols) { [self] _, socket in
            await serve(socket)
        }
        if let pagePath {
            let html = Array(GraphPage.html(webSocketPath: socketPath).utf8)
            router.get(pagePath) { _ in
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
                    body: html)
            }
        }
    }
}
