import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.logsOnFailure) struct PostgresTimestampTests {
    @Test(
        arguments: [
            ("1970-01-01 00:00:00+00", 0.0),
            ("1970-01-01 00:00:00.5+00", 0.5),
            ("2023-11-14 22:13:20.123456+00", 1_700_000_000.123456),
            ("2023-11-15 00:13:20.123456+02", 1_700_000_000.123456),
            ("2023-11-14 16:43:20.123456-05:30", 1_700_000_000.123456),
            ("2023-11-14T22:13:20Z".replacingOccurrences(of: "Z", with: "+00"), 1_700_000_000),
            ("1969-12-31 23:59:59.999999+00", -0.000001),
            ("2000-02-29 12:00:00+00", 951_825_600),
            ("2024-01-02 03:04:05", 1_704_164_645), // timestamp without zone: UTC
        ] as [(String, Double)])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(PostgresTimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_000_5)
    }

    @Test(arguments: ["", "yesterday", "2024-13-01 00:00:00+00", "2024-01-01", "2024-01-01 00:00:00 BC", "2024-01-01 00:00:00+0x"])
    func rejects(text: String) {
        #expect(PostgresTimestamp.parse(text) == nil)
    }

    @Test(
        arguments: [
            (0.0, "1970-01-01 00:00:00.000000+00"),
            (1_700_000_000.123456, "2023-11-14 22:13:20.123456+00"),
            (-0.000001, "1969-12-31 23:59:59.999999+00"),
            (951_825_600, "2000-02-29 12:00:00.000000+00"),
            (253_402_300_799, "9999-12-31 23:59:59.000000+00"),
        ] as [(Double, String)])
    func formats(seconds: Double, text: String) {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    /// Issue 11: a date beyond the Int64 microseconds (a query bound from a
    /// request) trapped converting; outside PostgreSQL's range it is an infinity.
    @Test(
        arguments: [
            (1e20, "infinity"),
            (-1e20, "-infinity"),
            (.infinity, "infinity"),
            (-.infinity, "-infinity"),
            (.nan, "NaN"),
            (9_223_372_036_854.775807, "infinity"),
            (-9_223_372_036_854.775808, "-infinity"),
            (Date.distantFuture.timeIntervalSince1970, "4001-01-01 00:00:00.000000+00"),
            (-62_135_596_800, "0001-01-01 00:00:00.000000+00"),
            (-62_135_596_800.5, "0001-12-31 23:59:59.500000+00 BC"),
            (-210_866_803_200, "4714-11-24 00:00:00.000000+00 BC"),
            (-210_866_803_200.001, "-infinity"),
            (9_223_371_244_800, "294247-01-01 00:00:00.000000+00"),
        ] as [(Double, String)])
    func formatsEveryDateWithoutTrapping(seconds: Double, text: String) {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func infinities() {
        #expect(PostgresTimestamp.parse("infinity") == .distantFuture)
        #expect(PostgresTimestamp.parse("-infinity") == .distantPast)
    }
}

@Suite(.logsOnFailure) struct PostgresValueWireTests {
    @Test(
        arguments: [
            (PostgresValue.string("héllo"), PostgresType.unknown, Int32(0), Array("héllo".utf8)),
            (.int(-42), PostgresType.int8, 0, Array("-42".utf8)),
            (.double(1.5), PostgresType.float8, 0, Array("1.5".utf8)),
            (.double(.infinity), PostgresType.float8, 0, Array("Infinity".utf8)),
            (.double(.nan), PostgresType.float8, 0, Array("NaN".utf8)),
            (.bool(true), PostgresType.bool, 0, Array("t".utf8)),
            (
                .uuid(UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!), PostgresType.uuid, 0,
                Array("E621E1F8-C36C-495A-93FC-0C247A3E6E5F".utf8)
            ),
            (.date(Date(timeIntervalSince1970: 0)), PostgresType.timestamptz, 0, Array("1970-01-01 00:00:00.000000+00".utf8)),
            (.bytes(Data([0, 1, 255])), PostgresType.bytea, 1, [0, 1, 255]),
            (.jsonb("{\"a\":1}"), PostgresType.jsonb, 0, Array("{\"a\":1}".utf8)),
        ] as [(PostgresValue, UInt32, Int32, [UInt8])])
    func wire(value: PostgresValue, type: UInt32, format: Int32, bytes: [UInt8]) {
        #expect(value.wire.type == type)
        #expect(value.wire.format == format)
        #expect(value.wire.bytes == bytes)
    }

    @Test(arguments: [
        ("\\x", Data()),
        ("\\x00ff10", Data([0, 255, 16])),
        ("\\xDEADbeef", Data([0xDE, 0xAD, 0xBE, 0xEF])),
    ])
    func byteaHex(text: String, data: Data) {
        #expect(Data.decodeHex(text) == data)
    }

    @Test(arguments: ["", "00ff", "\\x0", "\\xzz"])
    func byteaHexRejects(text: String) {
        #expect(Data.decodeHex(text) == nil)
    }
}

@Suite(.logsOnFailure) struct ConnectionTargetTests {
    @Test(arguments: [
        ("postgres://alice:s3cret@db.example.com:6543/jobs", "postgres://alice@db.example.com:6543/jobs"),
        ("postgres://postgres@localhost/imageresize", "postgres://postgres@localhost:5432/imageresize"),
        ("postgresql://bob@127.0.0.1:5433/x?sslmode=disable", "postgres://bob@127.0.0.1:5433/x"),
        ("host=h port=1 dbname=d user=u password=p", "postgres://u@h:1/d"),
    ])
    func describesWithoutPassword(url: String, description: String) throws {
        #expect(try ConnectionTarget.describe(url) == description)
    }

    @Test(arguments: [
        ("postgres://u@h/d", "postgres://u@h/d?connect_timeout=10"),
        ("postgres://u@h/d?sslmode=disable", "postgres://u@h/d?sslmode=disable&connect_timeout=10"),
        ("postgres://u@h/d?connect_timeout=3", "postgres://u@h/d?connect_timeout=3"),
        ("host=h dbname=d", "host=h dbname=d connect_timeout=10"),
    ])
    func addsAConnectTimeoutUnlessSet(url: String, expected: String) throws {
        #expect(try ConnectionTarget.withDefaults(url) == expected)
    }

    @Test func invalidURLIsAConfigurationError() {
        #expect {
            try ConnectionTarget.describe("postgres://localhost/db?nonsense=1")
        } throws: { error in
            (error as? PostgresError)?.kind == .invalidConfiguration
        }
    }

    @Test func missingEnvironmentVariableSaysWhatToSet() throws {
        #expect {
            try DatabaseURL.fromEnvironment([:])
        } throws: { error in
            "\(error)".contains("DATABASE_URL is not set; set DATABASE_URL to a URL like postgres://")
        }
        #expect(try DatabaseURL.fromEnvironment(["DATABASE_URL": "postgres://x@y/z"]) == "postgres://x@y/z")
    }
}
