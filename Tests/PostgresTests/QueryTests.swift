import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct QueryTests {
    @Test func everyParameterTypeRoundTrips() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript(
                """
                CREATE TABLE things (
                    id uuid PRIMARY KEY, name text, count bigint, small integer, ratio double precision,
                    done boolean, at timestamptz, blob bytea, doc jsonb
                )
                """)
            let id = UUID()
            let at = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let blob = Data((0...255).map { UInt8($0) } + [0, 0])
            let inserted = try await db.execute(
                "INSERT INTO things VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [
                    .uuid(id), .string("it's \"quoted\"; DROP TABLE things; -- ünïcode ✓"), .int(Int.max), .int(-7),
                    .double(0.1), .bool(true), .date(at), .bytes(blob), .jsonb("{\"width\": 400, \"tags\": [\"a\"]}"),
                ])
            #expect(inserted == 1)

            let rows = try await db.query("SELECT * FROM things WHERE id = $1", [.uuid(id)])
            #expect(rows.count == 1)
            let row = rows[0]
            #expect(try row.uuid("id") == id)
            #expect(try row.string("name") == "it's \"quoted\"; DROP TABLE things; -- ünïcode ✓")
            #expect(try row.int("count") == Int.max)
            #expect(try row.int("small") == -7)
            #expect(try row.double("ratio") == 0.1)
            #expect(try row.bool("done"))
            #expect(abs(try row.date("at").timeIntervalSince(at)) < 0.000_001)
            #expect(try row.bytes("blob") == blob)
            struct Doc: Decodable, Equatable {
                var width: Int
                var tags: [String]
            }
            #expect(try row.json("doc", as: Doc.self) == Doc(width: 400, tags: ["a"]))
            #expect(try row.json("doc").contains("\"width\": 400"))
            #expect(rows.columns.map(\.name) == ["id", "name", "count", "small", "ratio", "done", "at", "blob", "doc"])
            #expect(rows.columns[8].typeOID == PostgresType.jsonb)
        }
    }

    @Test func nullsInAndOut() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE n (a text, b bigint, c timestamptz, d bytea, e uuid, f boolean, g jsonb)")
            try await db.execute("INSERT INTO n VALUES ($1, $2, $3, $4, $5, $6, $7)", [nil, nil, nil, nil, nil, nil, nil])
            let row = try await db.query("SELECT * FROM n")[0]
            #expect(try row.decode("a", as: String?.self) == nil)
            #expect(try row.decode("b", as: Int?.self) == nil)
            #expect(try row.decode("c", as: Date?.self) == nil)
            #expect(try row.decode("d", as: Data?.self) == nil)
            #expect(try row.decode("e", as: UUID?.self) == nil)
            #expect(try row.decode("f", as: Bool?.self) == nil)
            #expect(try row.isNull("g"))
            #expect { try row.int("b") } throws: { error in
                (error as? PostgresError)?.kind == .decoding && "\(error)".contains("column \"b\" is NULL")
            }
        }
    }

    @Test func decodingErrorsNameTheColumn() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let row = try await db.query("SELECT 'abc'::text AS word, 1 AS one")[0]
        #expect { try row.int("word") } throws: { "\($0)".contains("column \"word\"") && "\($0)".contains("is not a Int") }
        #expect { try row.int("missing") } throws: { "\($0)".contains("no column \"missing\"") && "\($0)".contains("word, one") }
        #expect(try row.decode(at: 1, as: Int.self) == 1)
    }

    @Test func uniqueViolationCarriesSQLState() async throws {
        try await TestDatabase.withSchema { url in
            let db = try await PostgresConnection.connect(url: url)
            defer { db.close() }
            try await db.executeScript("CREATE TABLE u (k text PRIMARY KEY)")
            try await db.execute("INSERT INTO u VALUES ($1)", ["x"])
            do {
                try await db.execute("INSERT INTO u VALUES ($1)", ["x"])
                Issue.record("a duplicate key was accepted")
            } catch let error as PostgresError {
                #expect(error.kind == .server)
                #expect(error.sqlState == "23505")
                #expect(error.isUniqueViolation)
                #expect(error.detail == "Key (k)=(x) already exists.")
                #expect(error.description.hasPrefix("postgres error 23505: duplicate key value violates unique constraint"))
            }
            // The connection is still usable after a server error.
            #expect(try await db.query("SELECT count(*) AS n FROM u")[0].int("n") == 1)
        }
    }

    @Test(arguments: [
        ("SELEC 1", "42601"),
        ("SELECT * FROM no_such_table_anywhere", "42P01"),
        ("SELECT 1/0", "22012"),
    ])
    func serverErrorsCarrySQLState(sql: String, sqlState: String) async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        await #expect { try await db.query(sql) } throws: { ($0 as? PostgresError)?.sqlState == sqlState }
    }

    /// Dates at and beyond PostgreSQL's range go out as text the server
    /// reads (BC years, infinities); a NaN date is the server's error, not a trap.
    @Test(
        arguments: [
            (-210_866_803_200, "4714-11-24 00:00:00 BC"),
            (-62_135_596_800.5, "0001-12-31 23:59:59.5 BC"),
            (9_223_371_244_800, "294247-01-01 00:00:00"),
            (1e20, "infinity"),
            (-1e300, "-infinity"),
        ] as [(Double, String)])
    func extremeDatesReachTheServer(seconds: Double, text: String) async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let row = try await db.query("SELECT ($1::timestamptz AT TIME ZONE 'UTC')::text AS at", [.date(Date(timeIntervalSince1970: seconds))])
        #expect(try row[0].string("at") == text)
    }

    @Test func aNaNDateIsAServerError() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        await #expect { try await db.query("SELECT $1::timestamptz AS at", [.date(Date(timeIntervalSince1970: .nan))]) } throws: {
            ($0 as? PostgresError)?.sqlState == "22007"
        }
    }

    @Test func untypedStringParametersTakeTheirTypeFromContext() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let id = UUID()
        let row = try await db.query(
            "SELECT $1::uuid AS id, $2::text AS t, $3 + 1 AS n, $4::timestamptz AS at",
            [.string(id.uuidString), "plain", 41, .string("2024-01-02 03:04:05+00")])[0]
        #expect(try row.uuid("id") == id)
        #expect(try row.string("t") == "plain")
        #expect(try row.int("n") == 42)
        #expect(try row.date("at") == Date(timeIntervalSince1970: 1_704_164_645))
    }

    @Test func manyConcurrentQueriesOnOneConnection() async throws {
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<50 {
                group.addTask { (value, try await db.query("SELECT $1::bigint * 2 AS v", [.int(value)])[0].int("v")) }
            }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0.value == $0.key * 2 })
    }
}
