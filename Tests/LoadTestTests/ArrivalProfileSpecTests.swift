import TestSupport
import Testing

@testable import LoadTest

@Suite(.logsOnFailure) struct ArrivalProfileSpecTests {
    @Test(arguments: [
        ("poisson:60", ArrivalProfile.poisson(ratePerMinute: 60)),
        ("  poisson : 2.5 ", .poisson(ratePerMinute: 2.5)),
        ("POISSON:60", .poisson(ratePerMinute: 60)),
        ("steps:30@60,60@120", .steps([.init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 60, seconds: 120)])),
        (
            "steps:30@1m, 0@30s, 90@0.5h",
            .steps([.init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 0, seconds: 30), .init(ratePerMinute: 90, seconds: 1800)])
        ),
        ("ramp:10-120/300", .ramp(fromPerMinute: 10, toPerMinute: 120, seconds: 300)),
        ("ramp:120-0/5m", .ramp(fromPerMinute: 120, toPerMinute: 0, seconds: 300)),
        ("spike:20,200@60+30", .spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30)),
        ("spike:0,200@0+30", .spike(basePerMinute: 0, burstPerMinute: 200, atSecond: 0, seconds: 30)),
        ("spike:20,200@1m+30s", .spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30)),
    ])
    func parsesValidSpecs(spec: String, expected: ArrivalProfile) throws {
        let profile = try ArrivalProfile(spec: spec)
        #expect(profile == expected)
        // The canonical spec parses back to the same profile.
        #expect(try ArrivalProfile(spec: profile.spec) == profile)
    }

    @Test(arguments: [
        ("", "missing the kind prefix"),
        ("60", "missing the kind prefix"),
        ("constant:60", "unknown kind 'constant'"),
        ("poisson:", "expected a rate in jobs per minute"),
        ("poisson:0", "the rate must be above 0"),
        ("poisson:-5", "expected a rate in jobs per minute"),
        ("poisson:60x", "unexpected 'x'"),
        ("poisson:1.2.3", "'1.2.3' is not a number"),
        ("steps:", "expected a rate"),
        ("steps:30", "expected '@'"),
        ("steps:30@0", "a duration must be above 0 seconds"),
        ("steps:30@60,", "expected a rate"),
        ("steps:0@60,0@30", "at least one step needs a rate above 0"),
        ("ramp:10/300", "expected '-'"),
        ("ramp:10-120", "expected '/'"),
        ("ramp:0-0/60", "one of the two rates must be above 0"),
        ("spike:20,200", "expected '@'"),
        ("spike:20,200@60", "expected '+'"),
        ("spike:20,200@60+0", "a duration must be above 0 seconds"),
        ("spike:0,0@60+10", "one of the two rates must be above 0"),
    ])
    func rejectsInvalidSpecsWithAReason(spec: String, problem: String) {
        #expect {
            try ArrivalProfile(spec: spec)
        } throws: { error in
            guard let error = error as? ArrivalProfileSpecError else { return false }
            return error.spec == spec && error.problem.contains(problem) && error.description.contains("expected")
        }
    }

    @Test func errorMessageShowsTheSpecAndAnExample() {
        do {
            _ = try ArrivalProfile(spec: "ramp:10-120")
            Issue.record("should have thrown")
        } catch {
            #expect(error.description.contains("'ramp:10-120'"))
            #expect(error.description.contains("ramp:10-120/300"))
        }
    }

    @Test(arguments: [
        (ArrivalProfile.poisson(ratePerMinute: 60), nil as Double?),
        (.steps([.init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 60, seconds: 120)]), 180),
        (.ramp(fromPerMinute: 10, toPerMinute: 120, seconds: 300), 300),
        (.spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30), nil),
    ])
    func naturalDurationAndBounds(profile: ArrivalProfile, duration: Double?) {
        #expect(profile.naturalDuration == duration)
        #expect(RunBounds().terminates(profile) == (duration != nil))
        #expect(RunBounds(count: 5).terminates(profile))
    }
}
