import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Test(
    .logsOnFailure,
    arguments: [
        ("{\"a\":1}", JSONValue.object(["a": 1])),
        ("[true,null,\"x\"]", JSONValue.array([true, nil, "x"])),
        ("not json", JSONValue.string("not json")),
        ("2.5", JSONValue.number(2.5)),
    ])
func messageBodyDecoding(text: String, expected: JSONValue) {
    #expect(JSONValue(messageBody: Data(text.utf8)) == expected)
}

@Test(.logsOnFailure) func encodingIsCanonical() {
    let value: JSONValue = ["b": 1, "a": [1.5, "s"]]
    #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"a":[1.5,"s"],"b":1}"#)
}
