import MsgFlo
import MsgFloGraph

/// msgflo's textual edge id, `a() OUT -> IN b()`: the `id` of network:data.
///
/// Clients (noflo-ui) match data to edges by src/tgt, and show this id; it is
/// the reference's format, ports upper-cased, with `[index]` kept when present.
public enum EdgeID {
    public static func text(_ edge: EdgeEnds) -> String {
        "\(edge.src.process)() \(port(edge.src)) -> \(port(edge.tgt)) \(edge.tgt.process)()"
    }

    private static func port(_ ref: PortRef) -> String {
        ref.port.uppercased() + (ref.index.map { "[\($0)]" } ?? "")
    }
}
