import Foundation

/// What a coordinator knows about the participants that announced themselves.
///
/// A pure state machine (no clock, no I/O): callers pass the time of each
/// event, so expiry and updates are table-testable. Participants are keyed by
/// id and grouped by role (one graph node per role); one that stays silent
/// longer than `expiry` is removed, which the reference documented but never did.
public struct ParticipantRegistry: Sendable, Hashable {
    /// One known participant and when it was heard from.
    public struct Entry: Sendable, Hashable {
        public var definition: ParticipantDefinition
        public var firstSeen: Date
        public var lastSeen: Date

        public init(definition: ParticipantDefinition, firstSeen: Date, lastSeen: Date) {
            self.definition = definition
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }

        public var id: String { definition.id }
        public var role: String { definition.role }
    }

    /// The outcome of one discovery message.
    public enum IngestResult: Sendable, Hashable {
        case added(Entry)
        /// Seen before; `changed` says whether its definition differs from the last one.
        case updated(Entry, changed: Bool)
        /// Not accepted; the registry is unchanged. Log the reason.
        case rejected(DiscoveryMessageError)
    }

    /// How long a participant may stay silent before `expire(now:)` drops it (600 s, msgflo's documented value).
    public var expiry: TimeInterval
    private var entries: [String: Entry] = [:]

    public init(expiry: TimeInterval = 600) {
        self.expiry = expiry
    }

    /// Ingests a raw message body from the discovery queue.
    @discardableResult
    public mutating func ingest(_ body: Data, at time: Date) -> IngestResult {
        do {
            return ingest(try DiscoveryMessage(decoding: body).participant, at: time)
        } catch let error as DiscoveryMessageError {
            return .rejected(error)
        } catch {
            return .rejected(.notJSON)
        }
    }

    /// Records a participant definition seen at `time`.
    @discardableResult
    public mutating func ingest(_ definition: ParticipantDefinition, at time: Date) -> IngestResult {
        if var entry = entries[definition.id] {
            let changed = entry.definition != definition
            entry.definition = definition
            entry.lastSeen = max(entry.lastSeen, time)
            entries[definition.id] = entry
            return .updated(entry, changed: changed)
        }
        let entry = Entry(definition: definition, firstSeen: time, lastSeen: time)
        entries[definition.id] = entry
        return .added(entry)
    }

    /// Removes and returns the participants not heard from for longer than `expiry`.
    @discardableResult
    public mutating func expire(now: Date) -> [Entry] {
        let gone = entries.values.filter { now.timeIntervalSince($0.lastSeen) > expiry }
        for entry in gone { entries[entry.id] = nil }
        return gone.sorted { $0.id < $1.id }
    }

    /// Forgets one participant (e.g. one known to have stopped).
    @discardableResult
    public mutating func remove(id: String) -> Entry? { entries.removeValue(forKey: id) }

    public subscript(id: String) -> Entry? { entries[id] }

    /// Every participant, sorted by id.
    public var participants: [Entry] { entries.values.sorted { $0.id < $1.id } }

    /// Participants grouped by role, each group sorted by id.
    public var byRole: [String: [Entry]] {
        Dictionary(grouping: participants, by: \.role)
    }

    public var roles: [String] { Set(entries.values.map(\.role)).sorted() }

    public func participants(role: String) -> [Entry] { participants.filter { $0.role == role } }

    public var count: Int { entries.count }
}
