import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// Whatever a client sends, the coordinator answers and stays up.
@Suite(.logsOnFailure) struct BadInputTests {
    static let frames = [
        #"{"protocol":"graph","command":"addedge","payload":{"src":{"node":"web","port":"resizeimage"},"tgt":{"node":"store","port":"in","index":0},"metadata":{"route":1},"graph":"imageresize"},"requestId":"1"}"#,
        #"{"protocol":"network","command":"edges","payload":{"edges":[{"src":{"node":"resize","port":"out"},"tgt":{"node":"store","port":"in"}}],"graph":"imageresize"}}"#,
        #"{"protocol":"runtime","command":"packet","payload":{"port":"jobs","event":"data","payload":{"a":[1,2,{"b":null}]},"graph":"imageresize"}}"#,
        #"{"protocol":"graph","command":"renamenode","payload":{"from":"store","to":"archive","graph":"imageresize"}}"#,
        #"{"protocol":"component","command":"getsource","payload":{"name":"imageresize"},"secret":"x"}"#,
    ]

    /// A tiny deterministic generator, so a failure can be replayed.
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
    }

    static func mutate(_ text: String, _ random: inout LCG) -> String {
        var bytes = Array(text.utf8)
        let alphabet = Array(#"{}[]":,0123456789-.eE\ntrufalsn"#.utf8) + [0xFF, 0xC3, 0x00]
        for _ in 0..<(1 + random.next(4)) where !bytes.isEmpty {
            let index = random.next(bytes.count)
            switch random.next(3) {
            case 0: bytes[index] = alphabet[random.next(alphabet.count)]
            case 1: bytes.remove(at: index)
            default: bytes.insert(alphabet[random.next(alphabet.count)], at: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func mutatedFramesAreAnsweredAndNeverTrap() {
        var harness = Harness()
        harness.request("graph", "addinport", ["public": "jobs", "node": "resize", "port": "in", "graph": "imageresize"])
        var random = LCG(state: 14)
        var unanswered: [String] = []
        for round in 0..<400 {
            let text = Self.mutate(Self.frames[round % Self.frames.count], &random)
            let outputs = harness.feed(.frame("a", text))
            if outputs.messages(to: "a").isEmpty { unanswered.append(text) }
        }
        #expect(unanswered.isEmpty, "every frame gets at least one message back: \(unanswered.prefix(3))")
    }

    @Test func hugeAndOddFramesAreRefused() {
        var harness = Harness()
        let odd = [
            String(repeating: "{\"a\":", count: 5000),
            "{\"protocol\":\"graph\",\"command\":\"addnode\",\"payload\":{\"id\":\"" + String(repeating: "x", count: 1_000_000) + "\"}}",
            "\u{FEFF}{\"protocol\":\"runtime\",\"command\":\"getruntime\",\"payload\":{}}",
            "null", "\"text\"", "1e999",
        ]
        for text in odd {
            #expect(!harness.feed(.frame("a", text)).messages(to: "a").isEmpty)
        }
    }
}
