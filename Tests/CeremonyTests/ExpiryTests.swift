import Foundation
import Testing
@testable import Ceremony

@Suite("Expiry grammar, bounds and the rehearsal cap")
struct ExpiryTests {
    let start = RFC3339.parse("2026-11-25T12:00:00Z")!

    @Test("durations and times parse to the documented dates", arguments: [
        ("365d", "2027-11-25T12:00:00.000Z"),
        ("52w", "2027-11-24T12:00:00.000Z"),
        ("5y", "2031-11-25T12:00:00.000Z"),
        ("P1Y", "2027-11-25T12:00:00.000Z"),
        ("P1Y6M", "2028-05-25T12:00:00.000Z"),
        ("P2W", "2026-12-09T12:00:00.000Z"),
        ("P10D", "2026-12-05T12:00:00.000Z"),
        ("2031-06-30T00:00:00Z", "2031-06-30T00:00:00.000Z"),
        ("2031-06-30T02:00:00.250+02:00", "2031-06-30T00:00:00.250Z"),
        ("2031-06-30T00:00:00-05:30", "2031-06-30T05:30:00.000Z"),
    ])
    func parses(text: String, expected: String) throws {
        let expiry = try #require(Expiry(text))
        #expect(RFC3339.format(expiry.date(from: start)) == expected)
    }

    @Test("anything else is refused", arguments: [
        "", "5", "y", "5Y", "5 y", "-5d", "1.5y", "P", "PT1H", "P1M1Y", "P1Y1Y", "2031-06-30",
        "2031-06-30T00:00Z", "2031-06-30T00:00:00", "2031-02-30T00:00:00Z", "2031-13-01T00:00:00Z",
        "2031-06-30 00:00:00Z", "9999999d",
    ])
    func refuses(text: String) {
        #expect(Expiry(text) == nil)
    }

    @Test("bounds: fine up to 5 years, warning to 20, refused beyond or in the past")
    func bounds() {
        #expect(Expiry("5y")!.assess(from: start) == .fine)
        guard case .warning = Expiry("P5Y1D")!.assess(from: start) else {
            Issue.record("5 years and a day should warn")
            return
        }
        guard case .warning = Expiry("20y")!.assess(from: start) else {
            Issue.record("exactly 20 years should warn, not refuse")
            return
        }
        guard case .refused = Expiry("P20Y1D")!.assess(from: start) else {
            Issue.record("beyond 20 years should be refused")
            return
        }
        guard case .refused = Expiry("0d")!.assess(from: start) else {
            Issue.record("an expiry at the ceremony time should be refused")
            return
        }
    }

    @Test("a rehearsal's expiry is capped at 30 days")
    func rehearsalCap() {
        let year = Expiry("1y")!
        #expect(RFC3339.format(year.effectiveDate(from: start, rehearsal: true)) == "2026-12-25T12:00:00.000Z")
        #expect(RFC3339.format(year.effectiveDate(from: start, rehearsal: false)) == "2027-11-25T12:00:00.000Z")
        let short = Expiry("10d")!
        #expect(RFC3339.format(short.effectiveDate(from: start, rehearsal: true)) == "2026-12-05T12:00:00.000Z")
    }

    @Test("RFC 3339 output is UTC with milliseconds")
    func formatting() {
        let date = Date(timeIntervalSince1970: 1_764_072_000.1234)
        #expect(RFC3339.format(date) == "2025-11-25T12:00:00.123Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
