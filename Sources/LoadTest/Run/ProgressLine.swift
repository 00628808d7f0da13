import Foundation

/// Renders a snapshot as one line, e.g.
/// `  12.0s sent 24 done 20 in-flight 4 rate 60.0→58.2/min p50 2.31 s p95 4.80 s missed 0 errors 1 (timeout 1)`.
public enum ProgressLine {
    public static func render(_ s: ProgressSnapshot) -> String {
        var line = String(Format.number(s.elapsed).leftPadded(to: 6)) + "s"
        line += " sent \(s.sent) done \(s.done) in-flight \(s.inFlight)"
        if s.skipped > 0 { line += " skipped \(s.skipped)" }
        line += " rate \(Format.rate(s.targetRatePerMinute))→\(Format.rate(s.recentThroughputPerMinute))/min"
        line += " p50 \(Format.seconds(s.p50)) p95 \(Format.seconds(s.p95))"
        line += " missed \(s.deadlineMisses)"
        line += " errors \(s.errorCount)"
        if s.errorCount > 0 {
            let kinds = s.errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            line += " (" + kinds.joined(separator: ", ") + ")"
        }
        return line
    }
}

/// Prints progress lines: rewritten in place with `\r` on a terminal, one
/// plain line each otherwise, so that logs and CI output stay readable.
public struct ProgressPrinter: Sendable {
    public let rewritesInPlace: Bool
    private let write: @Sendable (String) -> Void

    /// `rewritesInPlace` defaults to whether stdout is a terminal.
    public init(rewritesInPlace: Bool? = nil, write: (@Sendable (String) -> Void)? = nil) {
        self.rewritesInPlace = rewritesInPlace ?? (isatty(STDOUT_FILENO) != 0)
        self.write =
            write ?? { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }
    }

    public func print(_ snapshot: ProgressSnapshot) {
        let line = ProgressLine.render(snapshot)
        // "\u{1B}[K" clears what a longer previous line left behind.
        write(rewritesInPlace ? "\r" + line + "\u{1B}[K" : line + "\n")
    }

    /// Ends the rewritten line so that what follows starts on a fresh one.
    public func finish() {
        if rewritesInPlace { write("\n") }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
