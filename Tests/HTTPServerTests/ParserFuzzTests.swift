import Primitives
import TestSupport
import Testing

@testable import HTTPServer

/// A seeded, bounded fuzz run of the request parser: mutated valid requests and
/// random bytes. Each input must end in requests or one error with a status the
/// server is allowed to send, and the outcome must not depend on how the bytes
/// were split (byte by byte versus whole versus random chunks).
@Suite(.logsOnFailure) struct ParserFuzzTests {
    static let seed: UInt64 = 0x5EED_2026
    static let iterations = 20_000
    static let allowedStatuses: Set<Int> = [400, 413, 414, 417, 431, 501, 505]

    static let corpus: [[UInt8]] = (ParserTableTests.valid + ParserTableTests.invalid).map { Array($0.input.utf8) }
    static let tokens: [[UInt8]] = [
        "\r\n", "\r\n\r\n", ":", " ", "\t", "\n", "\r", "chunked", "Content-Length: ",
        "Transfer-Encoding: ", "0\r\n\r\n", "ffffffffffffffff", "-1", "Host: x\r\n",
        "Expect: 100-continue\r\n", "HTTP/1.1", "\u{0}", "\u{7f}", "%00", ";",
    ].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes.insert(contentsOf: tokens.randomElement(using: &rng)!, at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 5: bytes = Array(bytes.prefix(position))
            default: bytes.append(contentsOf: tokens.randomElement(using: &rng)!)
            }
        }
        return bytes
    }

    @Test func mutatedAndRandomInputsNeverCrashAndAgreeAcrossSplits() {
        var rng = SplitMix64(seed: Self.seed)
        var requests = 0
        var errors = 0
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            if iteration % 10 == 0 {
                input = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                input = Self.mutate(Self.corpus.randomElement(using: &rng)!, &rng)
            }
            guard !input.isEmpty else { continue }
            let chunks = (0..<4).map { _ in Int.random(in: 1...9, using: &rng) }
            let whole = ParserHarness.run(input, chunkSizes: [input.count])
            let split = ParserHarness.run(input, chunkSizes: chunks)
            let byByte = ParserHarness.run(input, chunkSizes: [1])
            #expect(
                whole == split && whole == byByte,
                "iteration \(iteration): outcome depends on splitting for \(Array(input))")
            for outcome in whole {
                switch outcome {
                case .request: requests += 1
                case .error(let status):
                    errors += 1
                    #expect(Self.allowedStatuses.contains(status), "iteration \(iteration): status \(status)")
                }
            }
            if whole != split || whole != byByte { break }
        }
        // The corpus is mostly valid, so a run that never parses or never rejects
        // means the mutator or the harness is broken, not that the parser is fine.
        #expect(requests > 1000)
        #expect(errors > 1000)
    }
}
