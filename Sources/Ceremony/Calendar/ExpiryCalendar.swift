import Foundation
import TrustMetadata

/// The dates that decide when the next ceremony must happen, per repository.
///
/// For every date ``MetadataExpiry`` found (role `expires`, Notary root certificate
/// `notAfter`), the latest date to hold the next ceremony is that date minus the margin;
/// a repository's deadline is the earliest of those. Times are compared in whole UTC
/// seconds (fractions of a second, which Notary writes, are dropped before subtracting).
///
/// - An item is **expired** when its instant is at or before `at` (as clients treat it:
///   ``MetadataTime/isExpired(at:)``).
/// - It is **inside the margin** when `at` is at or after its instant minus the margin.
/// - Otherwise it is **ok**.
///
/// Snapshot and timestamp metadata are listed but do not set the deadline or the status:
/// their keys are online and they are re-signed by the repository (notary-server holds both in
/// Notary), every few days, never at a ceremony. Counting them would make every published
/// repository look overdue.
package struct ExpiryCalendar: Sendable {
    /// How urgent an item is, from least to most.
    package enum Status: String, Sendable, Comparable {
        case ok
        case insideMargin = "inside-margin"
        case expired

        private var rank: Int {
            switch self {
            case .ok: return 0
            case .insideMargin: return 1
            case .expired: return 2
            }
        }

        package static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// How long before an expiry the ceremony must be held: a duration in the plan's
    /// ``Expiry`` grammar (`60d`, `8w`, `1y`, `P3M`), never a fixed time.
    package struct Margin: Sendable, Equatable, CustomStringConvertible {
        /// The text as given, e.g. `60d`.
        package let text: String
        let years: Int, months: Int, days: Int

        /// The default: 60 days.
        package static let standard = Margin("60d")!

        /// Parses `text`; nil when it is not a duration (an RFC 3339 time is not a margin).
        package init?(_ text: String) {
            guard case .duration(let years, let months, let days)? = Expiry(text) else { return nil }
            self.text = text
            self.years = years
            self.months = months
            self.days = days
        }

        /// `date` minus the margin, in UTC calendar arithmetic (`1y` before 29 February 2028 is 28 February 2027).
        package func date(before date: Date) -> Date {
            let components = DateComponents(year: -years, month: -months, day: -days)
            return Expiry.utcCalendar.date(byAdding: components, to: date) ?? .distantPast
        }

        package var description: String { text }
    }

    /// One date, with what it means at ``at``.
    package struct Item: Sendable, Hashable {
        package var repository: String
        package var entry: MetadataExpiry.Entry
        /// The instant in whole UTC seconds.
        package var expires: Date
        /// ``expires`` minus the margin.
        package var deadline: Date
        package var status: Status

        /// Whether a ceremony renews this item: everything but the online snapshot and timestamp.
        package var needsCeremony: Bool { entry.kind == .certificate || !["snapshot", "timestamp"].contains(entry.role) }

        /// The item in words: `root (version 3)`, `root certificate 1a2b3c4d5e6f`, `targets/releases (version 1)`.
        package var what: String {
            switch entry.kind {
            case .metadata:
                return entry.version.map { "\(entry.role) (version \($0))" } ?? entry.role
            case .certificate:
                return "root certificate \(String((entry.keyID ?? "").prefix(12)))"
            }
        }
    }

    /// One repository's items and its deadline.
    package struct Repository: Sendable, Hashable {
        package var name: String
        package var path: String
        package var dialect: Dialect?
        /// Items sorted by date, then by what they are.
        package var items: [Item]
        /// The latest date for the next ceremony (earliest item deadline); nil when nothing was found.
        package var nextCeremony: Date?
        /// The most urgent status of the items a ceremony renews (``Status/ok`` when there are none).
        package var status: Status { items.filter(\.needsCeremony).map(\.status).max() ?? .ok }
    }

    /// "Now", as given by `--at` or the clock.
    package let at: Date
    package let margin: Margin
    /// Repositories in the order found.
    package let repositories: [Repository]

    package init(_ scanned: [MetadataExpiry.Repository], margin: Margin, at: Date) {
        self.at = at
        self.margin = margin
        repositories = scanned.map { repository in
            let items = repository.entries.map { entry in
                let expires = Date(timeIntervalSince1970: TimeInterval(entry.expires.secondsSinceEpoch))
                let deadline = margin.date(before: expires)
                let status: Status = entry.expires.isExpired(at: at) ? .expired : (at >= deadline ? .insideMargin : .ok)
                return Item(repository: repository.name, entry: entry, expires: expires, deadline: deadline, status: status)
            }.sorted { ($0.expires, $0.what) < ($1.expires, $1.what) }
            return Repository(name: repository.name, path: repository.path, dialect: repository.dialect,
                              items: items, nextCeremony: items.filter(\.needsCeremony).map(\.deadline).min())
        }
    }

    /// The most urgent status of all.
    package var status: Status { repositories.map(\.status).max() ?? .ok }

    /// The earliest deadline of all repositories.
    package var nextCeremony: Date? { repositories.compactMap(\.nextCeremony).min() }

    /// One sentence for each item that is expired or inside the margin, most urgent first.
    package var problems: [String] {
        let urgent = repositories.flatMap(\.items).filter { $0.status != .ok && $0.needsCeremony }
            .sorted { ($1.status, $0.expires) < ($0.status, $1.expires) }
        return urgent.map { item in
            let expires = Self.format(item.expires)
            switch item.status {
            case .expired:
                return "\(item.repository): \(item.what) expired at \(expires); clients refuse it now."
            case .insideMargin:
                return "\(item.repository): \(item.what) expires at \(expires), inside the \(margin) margin: the next ceremony was due by \(Self.format(item.deadline))."
            case .ok:
                return ""
            }
        }
    }

    /// Days before the next-ceremony event that calendars remind the team.
    package static let reminderDays = 14

    /// The calendar: per repository, "next ceremony for <repository>" at its deadline (with a
    /// reminder ``reminderDays`` before), then one event per item at its expiry.
    ///
    /// UIDs are `<hex>@keyceremony`, the hex being the first 32 digits of SHA-256 over the
    /// repository, role, kind, key ID and date, so the same deadline keeps its UID when the
    /// calendar is made again and a moved date is a new event. `DTSTAMP` is `stamp`.
    package func iCalendar(stamp: Date) -> ICalendar {
        var events: [ICalendar.Event] = []
        for repository in repositories {
            if let next = repository.nextCeremony {
                let first = repository.items.first { $0.deadline == next }
                events.append(ICalendar.Event(
                    uid: Self.uid(repository.name, "next-ceremony", "", next),
                    start: next,
                    summary: "next ceremony for \(repository.name)",
                    description: "Latest date for the next key ceremony for \(repository.name): "
                        + (first.map { "\($0.what) expires at \(Self.format($0.expires)), " } ?? "")
                        + "and the margin is \(margin). Made by keyceremony expiry from \(repository.path).",
                    alarmDaysBefore: Self.reminderDays))
            }
            for item in repository.items {
                let key = item.entry.kind == .certificate ? "certificate:\(item.entry.keyID ?? "")" : "metadata"
                events.append(ICalendar.Event(
                    uid: Self.uid(repository.name, item.entry.role, key, item.expires),
                    start: item.expires,
                    summary: "\(repository.name): \(item.what) expires",
                    description: "\(item.what) of \(repository.name) expires at \(Self.format(item.expires)) (\(item.entry.file))."))
            }
        }
        return ICalendar(stamp: stamp, events: events)
    }

    static func uid(_ repository: String, _ role: String, _ kind: String, _ date: Date) -> String {
        let material = [repository, role, kind, format(date)].joined(separator: "\u{0}")
        return String(ByteEncoding.sha256Hex(Array(material.utf8)).prefix(32)) + "@keyceremony"
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds.
    package static func format(_ date: Date) -> String {
        MetadataTime(date).text
    }
}
