import Foundation
import Testing
@testable import Ceremony

@Suite("iCalendar writing (RFC 5545) and the expiry margin")
struct ICalendarTests {
    @Test("lines are folded at 75 octets with CRLF and a space, never inside a UTF-8 character")
    func folding() {
        // 74 ASCII octets, then "é" (2 octets): it would end at octet 76, so it moves to the next line.
        let line = String(repeating: "a", count: 74) + "é" + String(repeating: "b", count: 80)
        let bytes = ICalendar.fold(line)
        let physical = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(physical.last == "")
        #expect(physical.dropLast().allSatisfy { $0.utf8.count <= 75 })
        #expect(physical[0] == String(repeating: "a", count: 74))
        #expect(physical[1].hasPrefix(" é"))
        #expect(physical.dropFirst().dropLast().allSatisfy { $0.hasPrefix(" ") })
        // Unfolding gives the line back.
        #expect(physical.dropLast().enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
        // Exactly 75 octets is not folded.
        #expect(ICalendar.fold(String(repeating: "x", count: 75)) == Array((String(repeating: "x", count: 75) + "\r\n").utf8))
    }

    @Test("TEXT values escape backslash, semicolon, comma and newlines")
    func escaping() {
        #expect(ICalendar.escape(#"a\b;c,d"# + "\ne") == #"a\\b\;c\,d\ne"#)
        #expect(ICalendar.escape("plain: text") == "plain: text")
    }

    @Test("UTC times are YYYYMMDDTHHMMSSZ, whole seconds")
    func times() {
        #expect(ICalendar.dateTime(Date(timeIntervalSince1970: 1_764_072_000.9)) == "20251125T120000Z")
    }

    @Test("a margin is a duration subtracted in UTC calendar arithmetic; a time is not a margin")
    func margin() throws {
        let leap = try #require(RFC3339.parse("2028-02-29T12:00:00Z"))
        #expect(RFC3339.format(try #require(ExpiryCalendar.Margin("1y")).date(before: leap)) == "2027-02-28T12:00:00.000Z")
        #expect(RFC3339.format(try #require(ExpiryCalendar.Margin("60d")).date(before: leap)) == "2027-12-31T12:00:00.000Z")
        #expect(RFC3339.format(try #require(ExpiryCalendar.Margin("8w")).date(before: leap)) == "2028-01-04T12:00:00.000Z")
        #expect(RFC3339.format(try #require(ExpiryCalendar.Margin("P1M")).date(before: leap)) == "2028-01-29T12:00:00.000Z")
        #expect(ExpiryCalendar.Margin("2030-01-01T00:00:00Z") == nil)
        #expect(ExpiryCalendar.Margin("5x") == nil)
        #expect(ExpiryCalendar.Margin.standard.text == "60d")
    }
}
