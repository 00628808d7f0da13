import Testing
@testable import Postgres

@Test func moduleLinks() {
    #expect(Bool(true))
}
