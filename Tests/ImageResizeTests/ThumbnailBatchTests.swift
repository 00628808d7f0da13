import Foundation
import ImageResize
import Synchronization
import Testing

/// `imageresize thumbnail`'s engine: every image of the count is made once on
/// the worker's code path, cycling over the files, and failures are counted by code.
@Suite(.timeLimit(.minutes(1))) struct ThumbnailBatchTests {
    /// A 1x1 GIF (the smallest image every loader accepts).
    static let pixelGIF = Data(
        [
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x21, 0xF9, 0x04,
            0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
        ])

    @Test(arguments: [(count: 7, threads: 2), (count: 1, threads: 4), (count: 12, threads: 1)])
    func everyImageOnceCyclingOverTheFiles(count: Int, threads: Int) async throws {
        let batch = try ThumbnailBatch(config: ServiceConfig(), width: 300, height: nil)
        let made = Mutex<[Int: Int]>([:])
        let report = try await batch.run(files: [Self.pixelGIF, Data("no image".utf8)], count: count, threads: threads) { index, file, data in
            #expect(!data.isEmpty)
            made.withLock { $0[index] = file }
        }
        let expectedMade = Dictionary(uniqueKeysWithValues: stride(from: 0, to: count, by: 2).map { ($0, 0) })
        #expect(made.withLock { $0 } == expectedMade)
        #expect(report.images == count)
        #expect(report.failures == (count > 1 ? ["not_an_image": count / 2] : [:]))
        #expect(report.outputBytes > 0)
        #expect(report.seconds > 0)
    }

    @Test func nothingToDoIsAnEmptyReport() async throws {
        let batch = try ThumbnailBatch(config: ServiceConfig(), width: 10, height: nil)
        let report = try await batch.run(files: [], count: 5, threads: 2)
        #expect(report.images == 0 && report.failures.isEmpty && report.outputBytes == 0)
    }
}
