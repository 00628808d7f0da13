/// The text form of an `ArrivalProfile`, for command lines and demo scripts.
///
/// Grammar (whitespace around tokens is ignored):
///
///     spec     = poisson | steps | ramp | spike
///     poisson  = "poisson:" rate                        e.g. poisson:60
///     steps    = "steps:" step *("," step)              e.g. steps:30@60,60@120
///     step     = rate "@" duration                      rate for that long
///     ramp     = "ramp:" rate "-" rate "/" duration     e.g. ramp:10-120/300
///     spike    = "spike:" rate "," rate "@" time "+" duration
///                                                       e.g. spike:20,200@60+30
///     rate     = decimal, jobs per minute, >= 0
///     duration = decimal [unit], > 0      unit: s (default), m, h
///     time     = decimal [unit], >= 0     seconds after the start
///
/// `spike:20,200@60+30` is 20 jobs/min, with 200 jobs/min from t = 60 s to 90 s.
/// `steps` and `ramp` end by themselves; `poisson` and `spike` need a count or
/// duration bound on the run.
extension ArrivalProfile {
    /// Parses a profile spec; the error says what was expected, with an example.
    public init(spec: String) throws(ArrivalProfileSpecError) {
        let trimmed = spec.trimmingWhitespace()
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw ArrivalProfileSpecError(spec: spec, problem: "missing the kind prefix", expected: Self.overview)
        }
        let kind = trimmed[..<colon].trimmingWhitespace().lowercased()
        let body = String(trimmed[trimmed.index(after: colon)...])
        var parser = SpecParser(spec: spec, body: body)
        switch kind {
        case "poisson":
            parser.expected = "poisson:RATE, e.g. poisson:60 (jobs per minute)"
            let rate = try parser.rate()
            try parser.end()
            guard rate > 0 else { throw parser.error("the rate must be above 0") }
            self = .poisson(ratePerMinute: rate)
        case "steps":
            parser.expected = "steps:RATE@DURATION[,RATE@DURATION...], e.g. steps:30@60,60@120"
            var steps: [Step] = []
            repeat {
                let rate = try parser.rate()
                try parser.take("@")
                let seconds = try parser.duration()
                steps.append(Step(ratePerMinute: rate, seconds: seconds))
            } while parser.skip(",")
            try parser.end()
            guard steps.contains(where: { $0.ratePerMinute > 0 }) else {
                throw parser.error("at least one step needs a rate above 0")
            }
            self = .steps(steps)
        case "ramp":
            parser.expected = "ramp:FROM-TO/DURATION, e.g. ramp:10-120/300"
            let from = try parser.rate()
            try parser.take("-")
            let to = try parser.rate()
            try parser.take("/")
            let seconds = try parser.duration()
            try parser.end()
            guard from > 0 || to > 0 else { throw parser.error("one of the two rates must be above 0") }
            self = .ramp(fromPerMinute: from, toPerMinute: to, seconds: seconds)
        case "spike":
            parser.expected = "spike:BASE,BURST@START+DURATION, e.g. spike:20,200@60+30"
            let base = try parser.rate()
            try parser.take(",")
            let burst = try parser.rate()
            try parser.take("@")
            let at = try parser.time()
            try parser.take("+")
            let seconds = try parser.duration()
            try parser.end()
            guard base > 0 || burst > 0 else { throw parser.error("one of the two rates must be above 0") }
            self = .spike(basePerMinute: base, burstPerMinute: burst, atSecond: at, seconds: seconds)
        default:
            throw ArrivalProfileSpecError(spec: spec, problem: "unknown kind '\(kind)'", expected: Self.overview)
        }
    }

    /// The canonical spec of this profile; parsing it gives the profile back.
    public var spec: String {
        switch self {
        case .poisson(let rate): return "poisson:\(rate.compact)"
        case .steps(let steps):
            return "steps:" + steps.map { "\($0.ratePerMinute.compact)@\($0.seconds.compact)" }.joined(separator: ",")
        case .ramp(let from, let to, let seconds): return "ramp:\(from.compact)-\(to.compact)/\(seconds.compact)"
        case .spike(let base, let burst, let at, let seconds):
            return "spike:\(base.compact),\(burst.compact)@\(at.compact)+\(seconds.compact)"
        }
    }

    static let overview = "one of poisson:60, steps:30@60,60@120, ramp:10-120/300, spike:20,200@60+30 (rates in jobs per minute, times in seconds)"
}

/// Why a profile spec could not be read, and what it should look like.
public struct ArrivalProfileSpecError: Error, CustomStringConvertible, Sendable, Equatable {
    public var spec: String
    public var problem: String
    public var expected: String

    public var description: String {
        "invalid arrival profile '\(spec)': \(problem); expected \(expected)"
    }
}

/// A cursor over the part of the spec after the colon.
private struct SpecParser {
    let spec: String
    let characters: [Character]
    var position = 0
    var expected = ""

    init(spec: String, body: String) {
        self.spec = spec
        self.characters = Array(body)
    }

    func error(_ problem: String) -> ArrivalProfileSpecError {
        ArrivalProfileSpecError(spec: spec, problem: problem, expected: expected)
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private var rest: String {
        position < characters.count ? "'\(String(characters[position...]))'" : "the end"
    }

    mutating func skip(_ symbol: Character) -> Bool {
        skipSpaces()
        guard position < characters.count, characters[position] == symbol else { return false }
        position += 1
        return true
    }

    mutating func take(_ symbol: Character) throws(ArrivalProfileSpecError) {
        guard skip(symbol) else { throw error("expected '\(symbol)' at \(rest)") }
    }

    mutating func end() throws(ArrivalProfileSpecError) {
        skipSpaces()
        guard position == characters.count else { throw error("unexpected \(rest)") }
    }

    private mutating func number(_ what: String) throws(ArrivalProfileSpecError) -> Double {
        skipSpaces()
        let start = position
        while position < characters.count, characters[position].isNumber || characters[position] == "." {
            position += 1
        }
        let text = String(characters[start..<position])
        guard !text.isEmpty else { throw error("expected \(what) (a number) at \(rest)") }
        guard let value = Double(text), value.isFinite else { throw error("'\(text)' is not a number") }
        return value
    }

    mutating func rate() throws(ArrivalProfileSpecError) -> Double {
        try number("a rate in jobs per minute")
    }

    mutating func time() throws(ArrivalProfileSpecError) -> Double {
        let value = try number("a time in seconds")
        return value * unit()
    }

    mutating func duration() throws(ArrivalProfileSpecError) -> Double {
        let value = try number("a duration in seconds")
        let seconds = value * unit()
        guard seconds > 0 else { throw error("a duration must be above 0 seconds") }
        return seconds
    }

    /// An optional unit right after a number: s, m or h.
    private mutating func unit() -> Double {
        guard position < characters.count else { return 1 }
        switch characters[position] {
        case "s":
            position += 1
            return 1
        case "m":
            position += 1
            return 60
        case "h":
            position += 1
            return 3600
        default: return 1
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension Double {
    /// "60" rather than "60.0", for specs and labels that people read.
    var compact: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        return String(self)
    }
}
