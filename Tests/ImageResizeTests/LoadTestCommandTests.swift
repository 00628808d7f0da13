import Foundation
import TestSupport
import Testing

/// `imageresize loadtest` refuses numbers it could not use with a usage
/// error (exit 64) before converting any of them: no crash (issue 11 item 1).
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct LoadTestCommandTests {
    @Test(arguments: [
        ["--job-timeout", "1e300"], ["--sample-interval", "1e300"], ["--deadline", "inf"], ["--duration", "nan"],
        ["--duration", "1e300"], ["--max-in-flight", "9223372036854775807"], ["--percentile", "-1"], ["--deadline", "0"],
        ["--images-port", "70000"],
    ])
    func refusesNumbersItCannotUse(_ option: [String]) throws {
        let run = try BuiltExecutable.imageresize.run(
            [
                "loadtest", "--image", "http://127.0.0.1:9/a.jpg", "--target", "http://127.0.0.1:9",
                "--count", "1", "--quiet",
            ] + option)
        #expect(run.reason == .exit, "\(option): \(run.output)")
        #expect(run.status == 64, "\(option): \(run.output)")
        #expect(run.output.contains(option[0]), "\(run.output)")
    }
}
