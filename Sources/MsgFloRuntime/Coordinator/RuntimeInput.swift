import Foundation
import MsgFlo
import MsgFloGraph

/// Everything the I/O shell feeds into the coordinator. The time of each input
/// is passed beside it, so the coordinator has no clock of its own.
public enum RuntimeInput: Sendable, Hashable {
    case clientConnected(ClientID)
    /// Drops the client's edge selection; taps nobody needs any more are stopped.
    case clientDisconnected(ClientID)
    /// One WebSocket text frame from a client.
    case frame(ClientID, String)
    /// A discovery announcement; `announcedAt` is the message's own timestamp
    /// (AMQP `timestamp`) when it had one, so a backlog of old announcements
    /// does not make dead participants look alive.
    case discovered(ParticipantDefinition, announcedAt: Date?)
    /// A message seen by a tap on `exchange` (see `RuntimeAction.startTap`).
    case tapped(exchange: String, body: JSONValue)
    /// A process the shell started for `role` ended.
    case processExited(role: String, status: Int32)
    /// The shell could not carry out an action; the coordinator forgets its effect and tells the clients.
    case actionFailed(RuntimeAction, reason: String)
    /// Starts a graph's network as `network:start` would, without a client (at launch).
    case startNetwork(graph: String)
    /// Time passes: participants expire and pending counts of skipped edge data are reported.
    /// Send it about once a second.
    case tick
}
