import Foundation
import Primitives
import TestSupport
import Testing

@testable import HTTPServer

@Suite(.logsOnFailure) struct WebSocketUnitTests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
    ])
    func sha1MatchesKnownVectors(_ input: String, _ hex: String) {
        let digest = SHA1.hash(Array(input.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(digest == hex)
    }

    @Test func acceptValueMatchesRFC6455Example() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    static func frame(_ first: UInt8, _ second: UInt8, _ rest: [UInt8] = []) -> [UInt8] { [first, second] + rest }

    struct FrameCase: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let expected: WebSocketFrameParser.Output
        var testDescription: String { name }
    }

    static let frameCases: [FrameCase] = [
        FrameCase(
            name: "masked text 'Hi'", bytes: [0x81, 0x82, 1, 2, 3, 4, UInt8(ascii: "H") ^ 1, UInt8(ascii: "i") ^ 2],
            expected: .frame(WebSocketFrame(fin: true, opcode: 1, payload: Array("Hi".utf8)))),
        FrameCase(name: "unmasked frame", bytes: [0x81, 0x02, 72, 105], expected: .error(.protocolError, "client frames must be masked")),
        FrameCase(
            name: "reserved bit", bytes: [0xC1, 0x80, 0, 0, 0, 0],
            expected: .error(.protocolError, "reserved bits set without a negotiated extension")),
        FrameCase(name: "unknown opcode", bytes: [0x83, 0x80, 0, 0, 0, 0], expected: .error(.protocolError, "unknown opcode 3")),
        FrameCase(name: "fragmented ping", bytes: [0x09, 0x80, 0, 0, 0, 0], expected: .error(.protocolError, "fragmented control frame")),
        FrameCase(name: "long ping", bytes: [0x89, 0xFE, 0, 200], expected: .error(.protocolError, "control frame longer than 125 bytes")),
        FrameCase(name: "frame over the limit", bytes: [0x82, 0xFE, 0x01, 0x00], expected: .error(.messageTooBig, "frame larger than 100 bytes")),
        FrameCase(name: "incomplete", bytes: [0x81, 0x85, 1, 2], expected: .needMoreData),
    ]

    @Test(arguments: frameCases)
    func frameParsing(_ testCase: FrameCase) {
        let parser = WebSocketFrameParser(maxPayloadBytes: 100)
        let output = testCase.bytes.withUnsafeBufferPointer { parser.parse($0).output }
        #expect(output == testCase.expected)
    }

    @Test func assemblerJoinsFragmentsAndEnforcesRules() {
        var assembler = WebSocketMessageAssembler(maxMessageBytes: 10)
        #expect(assembler.push(WebSocketFrame(fin: false, opcode: 1, payload: Array("Hel".utf8))) == .none)
        #expect(assembler.push(WebSocketFrame(fin: true, opcode: 9, payload: [1])) == .ping([1]))
        #expect(assembler.push(WebSocketFrame(fin: true, opcode: 0, payload: Array("lo".utf8))) == .message(.text("Hello")))
        #expect(
            assembler.push(WebSocketFrame(fin: true, opcode: 0, payload: []))
                == .fail(.protocolError, "continuation frame without a message in progress"))

        var strict = WebSocketMessageAssembler(maxMessageBytes: 10)
        _ = strict.push(WebSocketFrame(fin: false, opcode: 2, payload: [1]))
        #expect(
            strict.push(WebSocketFrame(fin: true, opcode: 1, payload: []))
                == .fail(.protocolError, "new data frame while a fragmented message is in progress"))

        var small = WebSocketMessageAssembler(maxMessageBytes: 4)
        _ = small.push(WebSocketFrame(fin: false, opcode: 2, payload: [1, 2, 3]))
        #expect(small.push(WebSocketFrame(fin: true, opcode: 0, payload: [4, 5])) == .fail(.messageTooBig, "message larger than 4 bytes"))

        var utf8 = WebSocketMessageAssembler(maxMessageBytes: 10)
        // A UTF-8 sequence split across fragments is fine; an invalid one is 1007.
        _ = utf8.push(WebSocketFrame(fin: false, opcode: 1, payload: [0xC3]))
        #expect(utf8.push(WebSocketFrame(fin: true, opcode: 0, payload: [0xA9])) == .message(.text("\u{e9}")))
        #expect(utf8.push(WebSocketFrame(fin: true, opcode: 1, payload: [0xC3, 0x28])) == .fail(.invalidPayload, "text message is not valid UTF-8"))
    }

    @Test(arguments: [
        ([UInt8](), WebSocketMessageAssembler.Action.close(nil, reason: "")),
        ([0x03, 0xE8] + Array("ok".utf8), .close(.normalClosure, reason: "ok")),
        ([0x03], .fail(.protocolError, "close frame with a 1-byte payload")),
        ([0x03, 0xED], .fail(.protocolError, "invalid close code 1005")),
        ([0x0B, 0xB8], .close(WebSocketCloseCode(3000), reason: "")),
        ([0x03, 0xE8, 0xFF], .fail(.invalidPayload, "close reason is not valid UTF-8")),
    ])
    func closeFrames(_ payload: [UInt8], _ expected: WebSocketMessageAssembler.Action) {
        var assembler = WebSocketMessageAssembler(maxMessageBytes: 10)
        #expect(assembler.push(WebSocketFrame(fin: true, opcode: 8, payload: payload)) == expected)
    }
}

/// Seeded random frames through the frame parser and assembler: never a crash,
/// always a frame, a wait for more bytes, or a close code the RFC allows.
@Suite(.logsOnFailure) struct WebSocketFuzzTests {
    @Test func randomFramesNeverCrash() {
        var rng = SplitMix64(seed: 0xF4A3_E5)
        let parser = WebSocketFrameParser(maxPayloadBytes: 64)
        let allowed: Set<UInt16> = [1002, 1007, 1009]
        var frames = 0
        for _ in 0..<10_000 {
            var assembler = WebSocketMessageAssembler(maxMessageBytes: 64)
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let opcode = [0, 1, 2, 8, 9, 10, 3].randomElement(using: &rng)!
                let first =
                    UInt8(Bool.random(using: &rng) ? 0x80 : 0) | UInt8(opcode)
                    | (Int.random(in: 0..<20, using: &rng) == 0 ? 0x40 : 0)
                let length = Int.random(in: 0...70, using: &rng)
                let masked: UInt8 = Int.random(in: 0..<20, using: &rng) == 0 ? 0 : 0x80
                bytes.append(first)
                bytes.append(masked | UInt8(min(length, 125)))
                if masked != 0 { bytes.append(contentsOf: (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
                bytes.append(contentsOf: (0..<min(length, 125)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            if Bool.random(using: &rng), !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            var offset = 0
            loop: while offset < bytes.count {
                let (consumed, output) = bytes.withUnsafeBufferPointer {
                    parser.parse(UnsafeBufferPointer(rebasing: $0[offset...]))
                }
                #expect(offset + consumed <= bytes.count)
                offset += consumed
                switch output {
                case .needMoreData:
                    break loop
                case .error(let code, _):
                    #expect(allowed.contains(code.rawValue))
                    break loop
                case .frame(let frame):
                    frames += 1
                    if case .fail(let code, _) = assembler.push(frame) {
                        #expect(allowed.contains(code.rawValue))
                        break loop
                    }
                }
            }
        }
        #expect(frames > 1000)
    }
}
