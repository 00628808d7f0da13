import MsgFlo

/// Reads the `.fbp` graph DSL into a `Graph`, accepting what the `fbp` 1.8 parser
/// accepts (so role and queue names come out the same) but reporting every error
/// with a line, a column and what to write instead.
public enum FBPParser {
    /// - Parameter caseSensitive: keep port names as written instead of lower-casing them.
    public static func parse(_ text: String, caseSensitive: Bool = false) throws(FBPParseError) -> Graph {
        var state = FBPParserState(scalars: Array(text.unicodeScalars), caseSensitive: caseSensitive)
        try state.parseDocument()
        return try state.finish()
    }
}

/// The mutable state of one parse: a cursor plus what has been declared so far.
struct FBPParserState {
    let scalars: [Unicode.Scalar]
    let caseSensitive: Bool
    var offset = 0

    private var defaultInPort = "IN"
    private var defaultOutPort = "OUT"
    private var properties: [String: JSONValue] = [:]
    private var processOrder: [String] = []
    private var components: [String: String] = [:]
    private var metadata: [String: [String: JSONValue]] = [:]
    private var references: [Reference] = []
    private var connections: [GraphConnection] = []
    private var inports: [String: GraphExport] = [:]
    private var outports: [String: GraphExport] = [:]
    private var anonymousCounters: [String: Int] = [:]

    /// A place where a process name is used, checked once the whole text is read.
    private struct Reference {
        enum Kind {
            case connection, standalone
            case inport(String)
            case outport(String)
        }
        var process: String
        var offset: Int
        var kind: Kind
    }

    /// A port written in a connection: name (already case-folded) and optional index.
    private struct PortSpec {
        var name: String
        var index: Int?
    }

    /// One step of a chain: `[INPORT] process [OUTPORT]`, or an initial packet.
    private enum Element {
        case node(inPort: PortSpec?, process: String, outPort: PortSpec?)
        case data(JSONValue, offset: Int)
    }

    /// A lexical piece of a step before we know which word is the process.
    private enum Part {
        case word(String, index: Int?, offset: Int)
        case process(String, offset: Int)
    }

    init(scalars: [Unicode.Scalar], caseSensitive: Bool) {
        self.scalars = scalars
        self.caseSensitive = caseSensitive
    }

    // MARK: Cursor

    private var current: Unicode.Scalar? { offset < scalars.count ? scalars[offset] : nil }
    private func peek(_ distance: Int) -> Unicode.Scalar? {
        offset + distance < scalars.count ? scalars[offset + distance] : nil
    }

    private func error(_ cause: String, at position: Int? = nil) -> FBPParseError {
        let (line, column) = TextPosition.lineAndColumn(of: position ?? offset, in: scalars)
        return FBPParseError(line: line, column: column, cause: cause)
    }

    private func starts(with text: String) -> Bool {
        var i = offset
        for c in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == c else { return false }
            i += 1
        }
        return true
    }

    private mutating func skipSpaces() {
        while current == " " || current == "\t" { offset += 1 }
    }

    private mutating func skipToEndOfLine() {
        while let c = current, !TextPosition.isNewline(c) { offset += 1 }
    }

    private var atStatementEnd: Bool {
        guard let c = current else { return true }
        return TextPosition.isNewline(c) || c == "," || c == "#"
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool { isLetter(c) || c == "_" }

    private func describe(_ c: Unicode.Scalar) -> String {
        TextPosition.isNewline(c) ? "end of line" : "'\(c)'"
    }

    private func folded(_ port: String) -> String { caseSensitive ? port : port.lowercased() }

    // MARK: Statements

    mutating func parseDocument() throws(FBPParseError) {
        if current == "\u{FEFF}" { offset += 1 } // byte-order mark of files saved by some editors
        while true {
            skipSpaces()
            guard let c = current else { return }
            if TextPosition.isNewline(c) {
                offset += 1
                continue
            }
            if c == "#" {
                parseCommentOrAnnotation()
                continue
            }
            if c == "," { throw error("empty statement: ',' must follow a connection") }
            try parseStatement()
            try parseStatementEnd()
        }
    }

    private mutating func parseStatement() throws(FBPParseError) {
        if starts(with: "EXPORT=") {
            throw error("'EXPORT=' was removed from the fbp language; write INPORT=process.PORT:NAME or OUTPORT=process.PORT:NAME")
        } else if starts(with: "INPORT=") {
            offset += 7
            try parseExport(isInport: true)
        } else if starts(with: "OUTPORT=") {
            offset += 8
            try parseExport(isInport: false)
        } else if starts(with: "DEFAULT_INPORT=") {
            offset += 15
            defaultInPort = try readPortName(context: "DEFAULT_INPORT=")
        } else if starts(with: "DEFAULT_OUTPORT=") {
            offset += 16
            defaultOutPort = try readPortName(context: "DEFAULT_OUTPORT=")
        } else {
            try parseConnection()
        }
    }

    private mutating func parseStatementEnd() throws(FBPParseError) {
        skipSpaces()
        guard let c = current else { return }
        if c == "," || TextPosition.isNewline(c) {
            offset += 1
            return
        }
        if c == "#" {
            skipToEndOfLine()
            return
        }
        if c == "-" || c == "=" || c == ">" || c == "<" {
            throw error("malformed arrow: connect ports with '->'")
        }
        throw error("unexpected \(describe(c)); end the statement with a newline or ',' before starting another")
    }

    /// `# comment`, or `# @key value`, which becomes a graph property
    /// (`# @runtime X` becomes `environment.type`, as in fbp).
    private mutating func parseCommentOrAnnotation() {
        offset += 1
        let spacesStart = offset
        skipSpaces()
        guard offset > spacesStart, current == "@" else {
            skipToEndOfLine()
            return
        }
        offset += 1
        var key = ""
        while let c = current, Self.isLetter(c) || Self.isDigit(c) || c == "-" || c == "_" {
            key.unicodeScalars.append(c)
            offset += 1
        }
        let valueStart = offset
        skipSpaces()
        let hasSeparator = offset > valueStart
        let textStart = offset
        skipToEndOfLine()
        var value = ""
        value.unicodeScalars.append(contentsOf: scalars[textStart..<offset])
        while value.last == " " || value.last == "\t" { value.removeLast() }
        guard !key.isEmpty, hasSeparator, !value.isEmpty else { return }
        if key == "runtime" {
            properties["environment"] = .object(["type": .string(value)])
        } else {
            properties[key] = .string(value)
        }
    }

    // MARK: Exports

    private mutating func parseExport(isInport: Bool) throws(FBPParseError) {
        let keyword = isInport ? "INPORT=" : "OUTPORT="
        let processOffset = offset
        guard let c = current, Self.isNameStart(c) || c == "(" else {
            throw error("\(keyword) must be followed by process.PORT:NAME")
        }
        var process = ""
        if c != "(" {
            while let c = current, Self.isLetter(c) || Self.isDigit(c) || c == "_" || c == "-" {
                process.unicodeScalars.append(c)
                offset += 1
            }
        }
        if current == "(" {
            process = try parseComponent(for: process.isEmpty ? nil : process)
        }
        guard current == "." else {
            throw error("expected '.' between process and port: \(keyword)process.PORT:NAME")
        }
        offset += 1
        let port = try readPortName(context: keyword + process + ".")
        guard current == ":" else {
            throw error("expected ':' before the public port name: \(keyword)process.PORT:NAME")
        }
        offset += 1
        let publicName = try readPortName(context: "\(keyword)\(process).\(port):")
        let export = GraphExport(process: process, port: folded(port))
        if isInport {
            inports[folded(publicName)] = export
            references.append(Reference(process: process, offset: processOffset, kind: .inport(folded(publicName))))
        } else {
            outports[folded(publicName)] = export
            references.append(Reference(process: process, offset: processOffset, kind: .outport(folded(publicName))))
        }
    }

    /// A port name `[A-Za-z_][A-Za-z0-9_.]*`, as written (not case-folded).
    private mutating func readPortName(context: String) throws(FBPParseError) -> String {
        guard let c = current, Self.isNameStart(c) else {
            let found = current.map(describe) ?? "end of text"
            throw error("expected a port name after '\(context)', found \(found)")
        }
        var name = ""
        while let c = current, Self.isLetter(c) || Self.isDigit(c) || c == "_" || c == "." {
            name.unicodeScalars.append(c)
            offset += 1
        }
        return name
    }

    // MARK: Connections

    private mutating func parseConnection() throws(FBPParseError) {
        var elements: [(element: Element, offset: Int)] = []
        while true {
            skipSpaces()
            let start = offset
            let isFirst = elements.isEmpty
            let element = try parseElement(isFirst: isFirst)
            elements.append((element, start))
            skipSpaces()
            if starts(with: "->") {
                offset += 2
                skipSpaces()
                if atStatementEnd {
                    throw error("'->' must be followed by a target: PORT process")
                }
                continue
            }
            break
        }
        try registerChain(elements)
    }

    /// Classifies the words of one step now that we know its place in the chain.
    private mutating func registerChain(_ elements: [(element: Element, offset: Int)]) throws(FBPParseError) {
        if elements.count == 1, case .data(let data, let at) = elements[0].element {
            let text = data.stringValue.map { "'\($0)'" } ?? "initial packet"
            throw error("\(text) is not sent anywhere; write it as 'data' -> PORT process", at: at)
        }
        for (position, item) in elements.enumerated() {
            if case .data(_, let at) = item.element, position > 0 {
                throw error("an initial packet can only start a connection, not follow '->'", at: at)
            }
        }
        for position in elements.indices.dropLast() {
            let target: PortRef
            guard case .node(let inPort, let process, _) = elements[position + 1].element else { continue }
            target = PortRef(process: process, port: inPort?.name ?? folded(defaultInPort), index: inPort?.index)
            switch elements[position].element {
            case .data(let data, _):
                connections.append(GraphConnection(data: data, to: target))
            case .node(_, let process, let outPort):
                let source = PortRef(process: process, port: outPort?.name ?? folded(defaultOutPort), index: outPort?.index)
                connections.append(GraphConnection(from: source, to: target))
            }
        }
    }

    private mutating func parseElement(isFirst: Bool) throws(FBPParseError) -> Element {
        let start = offset
        guard let c = current else { throw error("expected a process, a port or an initial packet") }
        if c == "'" {
            return .data(.string(try readQuotedIIP()), offset: start)
        }
        if c == "\"" || c == "{" || c == "[" || Self.isDigit(c) || (c == "-" && peek(1).map(Self.isDigit) == true) {
            var reader = JSONReader(scalars: scalars, offset: offset)
            do {
                let value = try reader.readValue()
                offset = reader.offset
                return .data(value.jsonValue, offset: start)
            } catch {
                throw FBPParseError(line: error.line, column: error.column, cause: "invalid JSON initial packet: \(error.cause)")
            }
        }
        var parts: [Part] = []
        while true {
            skipSpaces()
            guard let c = current else { break }
            let partStart = offset
            if Self.isNameStart(c) {
                let word = readWord()
                if current == "(" {
                    parts.append(.process(try parseComponent(for: word, at: partStart), offset: partStart))
                } else if current == "[" {
                    parts.append(.word(word, index: try readIndex(), offset: partStart))
                } else {
                    parts.append(.word(word, index: nil, offset: partStart))
                }
            } else if c == "(" {
                parts.append(.process(try parseComponent(for: nil), offset: partStart))
            } else {
                break
            }
        }
        return try classify(parts, isFirst: isFirst, start: start)
    }

    private mutating func classify(_ parts: [Part], isFirst: Bool, start: Int) throws(FBPParseError) -> Element {
        let isLast = !starts(with: "->")
        let processCount = parts.reduce(0) { count, part in
            if case .process = part { return count + 1 } else { return count }
        }
        if parts.isEmpty {
            guard let c = current else { throw error("expected a process, a port or an initial packet") }
            if starts(with: "->") { throw error("'->' needs a source before it: process PORT -> PORT process") }
            if c == "-" || c == ">" || c == "=" || c == "<" { throw error("malformed arrow: connect ports with '->'") }
            throw error("unexpected \(describe(c)); expected a process, a port or an initial packet")
        }
        if processCount > 1 {
            throw error("two processes in one step; separate them with 'OUTPORT -> INPORT'", at: start)
        }
        if processCount == 1 {
            guard let nodeIndex = parts.firstIndex(where: { if case .process = $0 { true } else { false } }),
                nodeIndex <= 1, parts.count - nodeIndex <= 2,
                case .process(let name, let at) = parts[nodeIndex]
            else { throw error("a step is written '[INPORT] process(Component) [OUTPORT]'; found extra words", at: start) }
            let inPort = nodeIndex == 1 ? try portSpec(parts[0]) : nil
            let outPort = nodeIndex + 1 < parts.count ? try portSpec(parts[nodeIndex + 1]) : nil
            references.append(Reference(process: name, offset: at, kind: .connection))
            return .node(inPort: inPort, process: name, outPort: outPort)
        }
        switch parts.count {
        case 1:
            if isFirst, !isLast, case .word(let word, nil, let at) = parts[0], let literal = Self.jsonLiterals[word] {
                return .data(literal, offset: at)
            }
            let name = try processName(parts[0], standalone: isFirst && isLast)
            return .node(inPort: nil, process: name, outPort: nil)
        case 2:
            if isFirst && !isLast {
                return .node(inPort: nil, process: try processName(parts[0]), outPort: try portSpec(parts[1]))
            } else if isLast {
                return .node(inPort: try portSpec(parts[0]), process: try processName(parts[1]), outPort: nil)
            }
            throw error("in the middle of a chain write 'INPORT process OUTPORT' (or declare the component here)", at: start)
        case 3:
            return .node(inPort: try portSpec(parts[0]), process: try processName(parts[1]), outPort: try portSpec(parts[2]))
        default:
            throw error("too many words in one step; a step is '[INPORT] process [OUTPORT]'", at: start)
        }
    }

    private static let jsonLiterals: [String: JSONValue] = ["true": .bool(true), "false": .bool(false), "null": .null]

    private func portSpec(_ part: Part) throws(FBPParseError) -> PortSpec {
        switch part {
        case .process(let name, let at):
            throw error("expected a port name but found process '\(name)' with a component", at: at)
        case .word(let word, let index, let at):
            if word.contains("-") {
                throw error("port name '\(word)' cannot contain '-'", at: at)
            }
            return PortSpec(name: folded(word), index: index)
        }
    }

    private mutating func processName(_ part: Part, standalone: Bool = false) throws(FBPParseError) -> String {
        switch part {
        case .process(let name, _):
            return name
        case .word(let word, let index, let at):
            if index != nil { throw error("process '\(word)' cannot have an index; only ports take [n]", at: at) }
            if word.contains(".") { throw error("process name '\(word)' cannot contain '.'", at: at) }
            references.append(Reference(process: word, offset: at, kind: standalone ? .standalone : .connection))
            return word
        }
    }

    /// A name or port word: letters, digits, `_`, `.`, and `-` unless it starts `->`.
    private mutating func readWord() -> String {
        var word = ""
        while let c = current {
            if c == "-" && peek(1) == ">" { break }
            guard Self.isLetter(c) || Self.isDigit(c) || c == "_" || c == "." || c == "-" else { break }
            word.unicodeScalars.append(c)
            offset += 1
        }
        return word
    }

    private mutating func readIndex() throws(FBPParseError) -> Int {
        let start = offset
        offset += 1
        var digits = ""
        while let c = current, Self.isDigit(c) {
            digits.unicodeScalars.append(c)
            offset += 1
        }
        guard current == "]", let index = Int(digits) else {
            throw error("a port index is digits in brackets, like OUT[0]", at: start)
        }
        offset += 1
        return index
    }

    /// `'text'`; `\'` stands for a quote, every other character (newlines too) is literal.
    private mutating func readQuotedIIP() throws(FBPParseError) -> String {
        let start = offset
        offset += 1
        var text = String.UnicodeScalarView()
        while true {
            guard let c = current else {
                throw error("unterminated string: add the closing \"'\"", at: start)
            }
            if c == "\\" && peek(1) == "'" {
                text.append("'")
                offset += 2
            } else if c == "'" {
                offset += 1
                return String(text)
            } else {
                text.append(c)
                offset += 1
            }
        }
    }

    // MARK: Processes

    /// Reads `(Component:key=value,...)` at the cursor and declares the process
    /// (anonymous when `name` is nil), returning its name.
    private mutating func parseComponent(for name: String?, at nameOffset: Int? = nil) throws(FBPParseError) -> String {
        let open = offset
        offset += 1
        var component = ""
        while let c = current, Self.isLetter(c) || Self.isDigit(c) || c == "/" || c == "-" || c == "_" {
            component.unicodeScalars.append(c)
            offset += 1
        }
        var meta: [String: JSONValue]?
        if current == ":" {
            offset += 1
            let metaStart = offset
            var text = ""
            while let c = current, Self.isLetter(c) || Self.isDigit(c) || c == "/" || c == "=" || c == "_" || c == "," {
                text.unicodeScalars.append(c)
                offset += 1
            }
            if text.isEmpty { throw error("metadata after ':' is empty; write (Component:key=value)", at: metaStart) }
            meta = Self.metadata(from: text)
        }
        guard let c = current else { throw error("missing ')' to close the component started here", at: open) }
        guard c == ")" else {
            if TextPosition.isNewline(c) { throw error("missing ')' to close the component started here", at: open) }
            throw error("unexpected '\(c)' in component; names use letters, digits, '/', '-', '_'")
        }
        offset += 1
        guard let name else {
            guard !component.isEmpty else { throw error("anonymous process needs a component: write (Component)", at: open) }
            let base = Self.anonymousBase(component)
            anonymousCounters[base, default: 0] += 1
            let generated = "_\(base)_\(anonymousCounters[base]!)"
            try declare(generated, component: component, metadata: meta, at: open)
            return generated
        }
        if name.contains(".") { throw error("process name '\(name)' cannot contain '.'", at: nameOffset ?? open) }
        try declare(name, component: component.isEmpty ? nil : component, metadata: meta, at: nameOffset ?? open)
        return name
    }

    /// The fbp 1.8 parser replaces only the first run of non-alphanumerics, so
    /// `(core/Kick)` becomes `_core_Kick_1`; we do the same to get the same roles.
    static func anonymousBase(_ component: String) -> String {
        let scalars = Array(component.unicodeScalars)
        func isAlnum(_ c: Unicode.Scalar) -> Bool { isLetter(c) || isDigit(c) }
        guard let runStart = scalars.firstIndex(where: { !isAlnum($0) }) else { return component }
        var runEnd = runStart
        while runEnd < scalars.count, !isAlnum(scalars[runEnd]) { runEnd += 1 }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[..<runStart])
        result.append("_")
        result.append(contentsOf: scalars[runEnd...])
        return String(result)
    }

    /// `key=value` pairs; a bare item is a route, and `x`/`y` are numbers, as in fbp.
    static func metadata(from text: String) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
            let (key, value) = pieces.count == 1 ? ("routes", pieces[0]) : (pieces[0], pieces[1])
            if key == "x" || key == "y", let number = Double(value) {
                result[key] = .number(number)
            } else {
                result[key] = .string(value)
            }
        }
        return result
    }

    private mutating func declare(_ name: String, component: String?, metadata meta: [String: JSONValue]?, at position: Int) throws(FBPParseError) {
        if let component {
            if let existing = components[name], existing != component {
                throw error("process '\(name)' is already declared as \(existing); a process has one component", at: position)
            }
            components[name] = component
        }
        if !processOrder.contains(name) && (component != nil || meta != nil) { processOrder.append(name) }
        if let meta { metadata[name] = meta }
    }

    // MARK: Result

    mutating func finish() throws(FBPParseError) -> Graph {
        for reference in references.sorted(by: { $0.offset < $1.offset }) where components[reference.process] == nil {
            let name = reference.process
            switch reference.kind {
            case .connection, .standalone:
                throw error("process '\(name)' is used without a component; declare it once as \(name)(Component)", at: reference.offset)
            case .inport(let publicName):
                throw error(
                    "INPORT '\(publicName)' names process '\(name)', which the graph never declares; declare it as \(name)(Component)",
                    at: reference.offset)
            case .outport(let publicName):
                throw error(
                    "OUTPORT '\(publicName)' names process '\(name)', which the graph never declares; declare it as \(name)(Component)",
                    at: reference.offset)
            }
        }
        if let name = processOrder.first(where: { components[$0] == nil }) {
            throw error("process '\(name)' has metadata but no component; declare it as \(name)(Component)", at: scalars.count)
        }
        let processes = processOrder.map { GraphProcess(name: $0, component: components[$0]!, metadata: metadata[$0] ?? [:]) }
        return Graph(
            caseSensitive: caseSensitive, properties: properties, processes: processes,
            connections: connections, inports: inports, outports: outports)
    }
}
