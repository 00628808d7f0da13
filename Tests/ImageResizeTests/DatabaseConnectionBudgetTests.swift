import ImageResize
import TestSupport
import Testing

/// The Postgres connection budget: demand of the declared formation, refusal
/// above the budget, refusal of a dyno beyond the formation.
@Suite("Database connection budget", .logsOnFailure)
struct DatabaseConnectionBudgetTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var environment: [String: String]
        /// nil: starts; otherwise a text the refusal must contain.
        var refusal: String?
        var testDescription: String { name }
    }

    static let budget20 = ["IMAGERESIZE_DB_CONNECTION_BUDGET": "20"]

    static let cases: [Case] = [
        Case(name: "no budget: anything starts", environment: ["IMAGERESIZE_DB_FORMATION": "web=50", "DYNO": "web.70"], refusal: nil),
        Case(name: "app.json's formation: (4+1) + 4 + 2 = 11 of 20", environment: budget20.merging(["DYNO": "web.1"]) { $1 }, refusal: nil),
        Case(
            name: "web=3: 3 x 5 + 4 + 2 = 21 of 20",
            environment: budget20.merging(["IMAGERESIZE_DB_FORMATION": "web=3,store=1"]) { $1 },
            refusal: "web 3 x (4 pool + 1 LISTEN) + store 1 x 4 pool + 2 reserved = 21"),
        Case(
            name: "smaller web pool makes web=3 fit: 3 x 3 + 4 + 2 = 15",
            environment: budget20.merging(["IMAGERESIZE_DB_FORMATION": "web=3 store=1", "IMAGERESIZE_DB_POOL": "2"]) { $1 }, refusal: nil),
        Case(
            name: "store pool defaults to store concurrency: 5 + 2 x 8 + 2 = 23",
            environment: budget20.merging(["IMAGERESIZE_DB_FORMATION": "web=1,store=2", "IMAGERESIZE_STORE_CONCURRENCY": "8"]) { $1 },
            refusal: "store 2 x 8 pool"),
        Case(
            name: "explicit store pool below concurrency: 5 + 2 x 3 + 2 = 13",
            environment: budget20.merging([
                "IMAGERESIZE_DB_FORMATION": "web=1,store=2", "IMAGERESIZE_STORE_CONCURRENCY": "8",
                "IMAGERESIZE_STORE_DB_POOL": "3",
            ]) { $1 }, refusal: nil),
        Case(
            name: "resize dynos open no connection", environment: budget20.merging(["IMAGERESIZE_DB_FORMATION": "web=1,store=1,resize=40"]) { $1 },
            refusal: nil),
        Case(
            name: "reserve counts: 5 + 4 + 12 = 21", environment: budget20.merging(["IMAGERESIZE_DB_RESERVED": "12"]) { $1 },
            refusal: "12 reserved = 21"),
        Case(
            name: "dyno beyond the formation", environment: budget20.merging(["DYNO": "web.2"]) { $1 },
            refusal: "this dyno is web.2 but the formation declares at most 1 web dynos"),
        Case(
            name: "release phase and one-off dynos are in the reserve", environment: budget20.merging(["DYNO": "release.4821"]) { $1 },
            refusal: nil),
        Case(
            name: "resize dyno beyond the formation needs no connection", environment: budget20.merging(["DYNO": "resize.9"]) { $1 },
            refusal: nil),
    ]

    @Test(arguments: cases)
    func decides(_ example: Case) throws {
        let config = try ServiceConfig(environment: example.environment)
        if let refusal = example.refusal {
            #expect {
                try config.checkDatabaseConnectionBudget()
            } throws: { error in
                "\(error)".contains(refusal)
            }
        } else {
            try config.checkDatabaseConnectionBudget()
        }
    }

    @Test(arguments: [
        ["IMAGERESIZE_DB_CONNECTION_BUDGET": "twenty"],
        ["IMAGERESIZE_DB_CONNECTION_BUDGET": "0"],
        ["IMAGERESIZE_DB_CONNECTION_BUDGET": "20", "IMAGERESIZE_DB_FORMATION": "web"],
        ["IMAGERESIZE_DB_CONNECTION_BUDGET": "20", "IMAGERESIZE_DB_FORMATION": "web=-1"],
        ["IMAGERESIZE_DB_CONNECTION_BUDGET": "20", "IMAGERESIZE_DB_FORMATION": "=2"],
        ["IMAGERESIZE_DB_CONNECTION_BUDGET": "20", "IMAGERESIZE_DB_RESERVED": "x"],
        ["IMAGERESIZE_STORE_DB_POOL": "0"],
    ])
    func rejectsBadSettings(_ environment: [String: String]) {
        #expect(throws: ServiceConfigError.self) { _ = try ServiceConfig(environment: environment) }
    }

    @Test func formationParsesCommasAndSpaces() throws {
        #expect(try DatabaseConnectionBudget.parseFormation("web=2, store=1 resize=6") == ["web": 2, "store": 1, "resize": 6])
    }
}
