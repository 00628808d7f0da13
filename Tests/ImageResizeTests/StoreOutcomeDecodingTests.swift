import Foundation
import MsgFlo
import TestSupport
import Testing

@testable import ImageResize

/// The participant runtime's own error message (`{"error", "code", "input"}`)
/// as the store role reads it: the image fails with the runtime's code.
@Suite(.logsOnFailure) struct StoreOutcomeDecodingTests {
    @Test(arguments: [("worker_crashed", "worker_crashed"), (nil, "internal")] as [(String?, String)])
    func runtimeErrorKeepsItsCode(_ code: String?, _ stored: String) throws {
        let request = ResizeRequest(
            jobID: UUID(), imageID: UUID(), spec: ImageSpec(url: "http://img.example/a.jpg", width: 10, height: nil), createdAt: Date())
        var payload: [String: JSONValue] = ["error": .string("it died"), "input": try JSONValue(parsing: request.encoded())]
        if let code { payload["code"] = .string(code) }
        let outcome = try StoreWorker.decodeOutcome(JSONValue.object(payload).encoded())
        #expect(outcome.jobID == request.jobID && outcome.imageID == request.imageID)
        #expect(outcome.error?.code == stored)
        #expect(outcome.error?.message == "it died")
    }
}
