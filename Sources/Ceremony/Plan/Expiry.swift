import Foundation
import TrustMetadata

/// When root metadata expires: a fixed time, or a length of time counted from
/// the moment the ceremony starts.
///
/// Grammar (case-sensitive):
/// - an RFC 3339 time with seconds and a zone: `2031-06-30T00:00:00Z`,
///   `2031-06-30T09:00:00.5+02:00`;
/// - a short duration, a whole number and a unit: `90d` (days), `52w` (weeks),
///   `5y` (years);
/// - an ISO 8601 duration of dates only: `P1Y`, `P1Y6M`, `P2W`, `P400D`.
///
/// Years and months are calendar years and months in UTC, so `1y` from
/// 29 February lands on 28 February or 1 March as the calendar says.
package enum Expiry: Sendable, Equatable, CustomStringConvertible {
    case date(Date)
    case duration(years: Int, months: Int, days: Int)

    /// The furthest a root may be valid: beyond this a ceremony is refused.
    package static let refuseBeyondYears = 20
    /// Beyond this the plan is accepted with a warning.
    package static let warnBeyondYears = 5
    /// The longest validity of a rehearsal's output.
    package static let rehearsalCapDays = 30
    /// The longest validity of a Notary rehearsal's output. notary 0.7's client re-signs, at every
    /// publish, a root that expires within 6 months (`nearExpiry` in its client helpers), so under
    /// a shorter-lived root nobody without the root keys — a delegate — can publish anything, and
    /// the rehearsal's delegation could not be rehearsed with the real client.
    package static let notaryRehearsalCapDays = 210
    /// How far ahead notary's client treats a root as near expiry and re-signs it at every publish.
    package static let notaryNearExpiryMonths = 6

    /// The longest validity of a rehearsal's output in `dialect`.
    package static func rehearsalCapDays(for dialect: Dialect) -> Int {
        dialect == .notary ? notaryRehearsalCapDays : rehearsalCapDays
    }

    /// Parses the grammar above; nil when `text` matches none of it.
    package init?(_ text: String) {
        if let date = Expiry.parseRFC3339(text) {
            self = .date(date)
        } else if let duration = Expiry.parseShortDuration(text) ?? Expiry.parseISODuration(text) {
            self = duration
        } else {
            return nil
        }
    }

    /// The expiry time for a ceremony that starts at `start`.
    package func date(from start: Date) -> Date {
        switch self {
        case .date(let date):
            return date
        case .duration(let years, let months, let days):
            let components = DateComponents(year: years, month: months, day: days)
            return Expiry.utcCalendar.date(byAdding: components, to: start) ?? .distantFuture
        }
    }

    /// The expiry to write into metadata: as planned, except that a rehearsal
    /// never outlives 30 days (Notary: ``notaryRehearsalCapDays``), so rehearsal
    /// roots cannot be mistaken for real ones for long.
    package func effectiveDate(from start: Date, rehearsal: Bool, dialect: Dialect = .tuf) -> Date {
        let planned = date(from: start)
        guard rehearsal else { return planned }
        let cap = Expiry.utcCalendar.date(byAdding: .day, value: Expiry.rehearsalCapDays(for: dialect), to: start) ?? planned
        return min(planned, cap)
    }

    /// What is wrong or worth a second look with this expiry for a ceremony at `start`.
    package func assess(from start: Date) -> Assessment {
        let end = date(from: start)
        let calendar = Expiry.utcCalendar
        if end <= start {
            return .refused("expires \(RFC3339.format(end)), which is not after the ceremony time \(RFC3339.format(start))")
        }
        if let limit = calendar.date(byAdding: .year, value: Expiry.refuseBeyondYears, to: start), end > limit {
            return .refused("expires \(RFC3339.format(end)), more than \(Expiry.refuseBeyondYears) years after the ceremony; choose a shorter expiry")
        }
        if let limit = calendar.date(byAdding: .year, value: Expiry.warnBeyondYears, to: start), end > limit {
            return .warning("expires \(RFC3339.format(end)), more than \(Expiry.warnBeyondYears) years after the ceremony; long-lived roots are hard to rotate if a key is lost")
        }
        return .fine
    }

    /// The verdict of ``assess(from:)``.
    package enum Assessment: Sendable, Equatable {
        case fine
        case warning(String)
        case refused(String)
    }

    package var description: String {
        switch self {
        case .date(let date):
            return RFC3339.format(date)
        case .duration(let years, let months, let days):
            var parts: [String] = []
            if years > 0 { parts.append("\(years) year\(years == 1 ? "" : "s")") }
            if months > 0 { parts.append("\(months) month\(months == 1 ? "" : "s")") }
            if days > 0 || parts.isEmpty { parts.append("\(days) day\(days == 1 ? "" : "s")") }
            return parts.joined(separator: " ") + " after the ceremony"
        }
    }

    static var utcCalendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// Bounds each number so that arithmetic cannot overflow on hostile input.
    private static func number(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(digits)
    }

    static func parseShortDuration(_ text: String) -> Expiry? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        guard let value = number(text.dropLast()) else { return nil }
        switch unit {
        case "d": return .duration(years: 0, months: 0, days: value)
        case "w": return .duration(years: 0, months: 0, days: value * 7)
        case "y": return .duration(years: value, months: 0, days: 0)
        default: return nil
        }
    }

    static func parseISODuration(_ text: String) -> Expiry? {
        guard text.hasPrefix("P"), text.count >= 3 else { return nil }
        var rest = Substring(text.dropFirst())
        var years = 0, months = 0, days = 0
        var lastUnitRank = -1
        let ranks: [Character: Int] = ["Y": 0, "M": 1, "W": 2, "D": 3]
        while !rest.isEmpty {
            guard let unitIndex = rest.firstIndex(where: { !($0.isASCII && $0.isNumber) }),
                  let rank = ranks[rest[unitIndex]], rank > lastUnitRank,
                  let value = number(rest[..<unitIndex])
            else { return nil }
            switch rest[unitIndex] {
            case "Y": years = value
            case "M": months = value
            case "W": days += value * 7
            default: days += value
            }
            lastUnitRank = rank
            rest = rest[rest.index(after: unitIndex)...]
        }
        return .duration(years: years, months: months, days: days)
    }

    static func parseRFC3339(_ text: String) -> Date? {
        RFC3339.parse(text)
    }
}
