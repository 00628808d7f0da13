import Foundation
import Logging
import MsgFlo
import Primitives

/// The `imageresize/ResizeImage` participant: one image per message, results
/// on `out`, per-image failures on `error`, both read by StoreResult.
public enum ResizeWorker {
    public static let component = "imageresize/ResizeImage"

    public static func definition(role: String, id: String? = nil) -> ParticipantDefinition {
        .conventional(
            role: role, component: component, id: id, label: "Resizes one image with libvips", icon: "image",
            inports: ["in"], outports: ["out", "error"])
    }

    /// Downloads each image as soon as its message arrives and resizes it on
    /// `pool`: the participant's prefetch bounds the images in memory, the
    /// pool's threads the images being resized.
    public static func handler(processor: ResizeProcessor, pool: BlockingPool<Void>, logger: Logger) -> Participant.RawHandler {
        { _, message, output in
            let request: ResizeRequest
            do {
                request = try ResizeRequest.decode(message.body)
            } catch {
                // Not a resize request: nobody can make it one. Rejected to the dead-letter queue, with the reason logged.
                throw MessageFormatError(expected: "a resize request", underlying: error)
            }
            let outcome = try await processor.process(request, resizingOn: pool)
            var metadata: Logger.Metadata = [
                "job": "\(request.jobID.uuidString.lowercased())", "image": "\(request.imageID.uuidString.lowercased())",
                "ms": "\(Int(outcome.finishedAt.timeIntervalSince(outcome.startedAt) * 1000))",
            ]
            if let error = outcome.error {
                metadata["code"] = "\(error.code)"
                logger.info("image failed", metadata: metadata)
                try await output.send("error", data: outcome.encoded())
            } else if let result = outcome.result {
                metadata["size"] = "\(result.width)x\(result.height)"
                metadata["bytes"] = "\(result.data.count)"
                logger.info("image resized", metadata: metadata)
                try await output.send("out", data: outcome.encoded())
            }
        }
    }
}

/// A message that is not what the participant reads; it goes to the dead-letter queue.
public struct MessageFormatError: Error, CustomStringConvertible {
    public var expected: String
    public var underlying: any Error
    public var description: String { "message is not \(expected) (\(underlying)); it was dead-lettered" }
}
