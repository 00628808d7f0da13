import Foundation

/// The live graph page: one self-contained HTML file (`Page/graph.html`, no
/// build step, no CDN) compiled into the binary (`.embedInCode`), so a copied
/// executable or a Heroku slug still serves it. It speaks the FBP protocol over
/// the runtime's WebSocket like any other client.
public enum GraphPage {
    /// The placeholder the server replaces with the WebSocket's path.
    public static let placeholder = "{{WEBSOCKET_PATH}}"

    /// The page for a runtime whose WebSocket is at `webSocketPath` (`/` for
    /// `msgflo runtime`, `/runtime` inside `imageresize web`).
    public static func html(webSocketPath: String) -> String {
        template.replacingOccurrences(of: placeholder, with: escaped(webSocketPath))
    }

    /// Safe inside an HTML attribute and as element text.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let template = String(decoding: PackageResources.graph_html, as: UTF8.self)
}
