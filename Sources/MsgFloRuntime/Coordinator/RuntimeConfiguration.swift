import Foundation

/// How one runtime behaves; fixed for its lifetime (the `msgflo runtime` options).
public struct RuntimeConfiguration: Sendable, Hashable {
    /// The runtime's id, reported by getruntime (the schema wants a version-4 UUID).
    public var id: String
    public var label: String?
    /// When set, every message must carry it; messages without it change nothing.
    public var secret: String?
    /// `--participants`: start and stop each role's process as nodes come and go.
    public var manageParticipants: Bool
    /// `--auto-save`: write a graph back to its file after each change.
    public var autoSave: Bool
    /// The most `network:data` messages one client gets per edge per second; more are skipped and counted.
    public var edgeDataPerSecond: Int
    /// Silence after which a participant counts as gone (msgflo documents 600 s).
    public var participantExpiry: TimeInterval

    public init(
        id: String, label: String? = nil, secret: String? = nil, manageParticipants: Bool = false,
        autoSave: Bool = false, edgeDataPerSecond: Int = 10, participantExpiry: TimeInterval = 600
    ) {
        self.id = id
        self.label = label
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        self.manageParticipants = manageParticipants
        self.autoSave = autoSave
        self.edgeDataPerSecond = max(1, edgeDataPerSecond)
        // A silly value (zero, negative, infinite) from an option must not expire everyone or trap later.
        self.participantExpiry = participantExpiry.isFinite && participantExpiry > 0 ? participantExpiry : 600
    }

    /// The runtime type reported to clients.
    public static let runtimeType = "msgflo"
    /// The fbp-protocol version whose schemas the runtime's messages meet.
    public static let protocolVersion = "0.9"

    /// Exactly what this runtime implements. `protocol:network` is the deprecated
    /// umbrella for the three `network:` capabilities, all implemented, and is kept
    /// for older clients that look only for it.
    public static let capabilities = [
        "protocol:runtime", "protocol:component", "component:getsource", "protocol:graph",
        "protocol:network", "network:control", "network:status", "network:data",
    ]
}
