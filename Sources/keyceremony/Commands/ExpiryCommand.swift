import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

/// `keyceremony expiry`: when each role and root certificate expires, and the latest date
/// for the next ceremony.
struct ExpiryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiry",
        abstract: "When each role and Notary root certificate expires, and the latest date for the next ceremony.",
        discussion: """
        PATH may be a ceremony bundle (DIR with public/metadata/<repository>/), its public/ \
        folder, a metadata directory (N.root.json, root.json, targets.json, snapshot.json, \
        timestamp.json, delegated roles; folders below are searched too), or one metadata \
        file. For every repository found it lists:
          • the newest root's expiry (highest version of N.root.json and root.json);
          • targets, snapshot, timestamp and delegated roles, where present;
          • Notary: each root certificate's notAfter (ecdsa-x509/rsa-x509 root keys);
          • the latest date for the next ceremony: the earliest of those dates
            minus the margin.
        Dates are UTC, to the second. Nothing is verified here: use `keyceremony verify`.

        --margin is a duration: 60d (days), 8w (weeks), 1y (calendar years), or ISO 8601 \
        P3M, P1Y6M. Without it, a bundle's own plan sets the margin (its optional \
        expiry_margin:), and otherwise it is 60d. Something is inside the margin when --at (default: now) is at or after \
        its expiry minus the margin, and expired when --at is at or after its expiry.

        --json prints schema 1 (see the README). --ics FILE writes an RFC 5545 calendar: \
        one event "next ceremony for <repository>" at the latest date (with a reminder 14 \
        days before) and one per expiry, stamped with --at; UIDs stay the same for the same \
        dates, so importing a newer file updates rather than duplicates. An existing FILE \
        is never replaced.

        Exit status: 0 when everything is outside the margin, 1 when anything is inside \
        the margin or expired (each named in the output), 2 for usage or input errors \
        (missing path, unreadable or malformed metadata, an existing --ics file).

        Examples:
          keyceremony expiry ceremonies/2026-11-root/
          keyceremony expiry repo/metadata --margin 8w --ics next-ceremony.ics
          keyceremony expiry root.json --at 2027-01-01T00:00:00Z --json
        """
    )

    @Argument(help: "A ceremony bundle, its public/ folder, a metadata directory, or one metadata file.")
    var path: String

    @Option(help: ArgumentHelp("How long before the earliest expiry the ceremony must be held: 60d, 8w, 1y, P3M.", valueName: "duration"))
    var margin: String?

    @Option(help: ArgumentHelp("Take this RFC 3339 time as now, e.g. 2027-01-01T00:00:00Z.", valueName: "time"))
    var at: String?

    @Flag(help: "Print JSON (schema 1) instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Also write the dates as an iCalendar (RFC 5545) file; refuses to replace one.", valueName: "file"))
    var ics: String?

    func run() throws {
        let margin: ExpiryCalendar.Margin
        if let text = self.margin {
            guard let given = ExpiryCalendar.Margin(text) else {
                throw Self.inputError("--margin \(text) is not a duration such as 60d, 8w, 1y or P3M")
            }
            margin = given
        } else {
            margin = Self.bundlePlanMargin(path) ?? .standard
        }
        var now = Date()
        if let at {
            guard let time = MetadataTime(at) else {
                throw Self.inputError("--at \(at) is not an RFC 3339 time such as 2027-01-01T00:00:00Z")
            }
            now = time.date
        }
        if let ics, FileManager.default.fileExists(atPath: ics) || (try? FileManager.default.destinationOfSymbolicLink(atPath: ics)) != nil {
            throw Self.inputError("--ics \(ics) already exists; choose a new file name (it is never replaced)")
        }
        let scanned: [MetadataExpiry.Repository]
        do {
            scanned = try MetadataExpiry.scan(path: path)
        } catch {
            throw Self.inputError(error.description)
        }
        let calendar = ExpiryCalendar(scanned, margin: margin, at: now)
        if let ics {
            do {
                try calendar.iCalendar(stamp: now).write(to: URL(fileURLWithPath: ics))
            } catch {
                throw Self.inputError("cannot write the calendar: \(error)")
            }
        }
        if json {
            var bytes = PrettyJSONEncoder.encode(.object(Self.json(calendar)), sortKeys: false)
            bytes.append(0x0A)
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            print(Self.describe(calendar, icsFile: ics))
        }
        if calendar.status != .ok { throw ExitCode(1) }
    }

    static func inputError(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }

    /// The table for people, every date in one list sorted by date.
    static func describe(_ calendar: ExpiryCalendar, icsFile: String?) -> String {
        var rows: [(Date, [String])] = []
        for repository in calendar.repositories {
            if let next = repository.nextCeremony {
                rows.append((next, [ExpiryCalendar.format(next), repository.name, "latest date for the next ceremony",
                                    calendar.at >= next ? "OVERDUE" : "ok"]))
            }
            for item in repository.items {
                let status: String
                switch item.status {
                case .ok: status = "ok"
                case .insideMargin: status = "INSIDE MARGIN"
                case .expired: status = "EXPIRED"
                }
                rows.append((item.expires, [ExpiryCalendar.format(item.expires), repository.name, "\(item.what) expires", status]))
            }
        }
        rows.sort { ($0.0, $0.1[1]) < ($1.0, $1.1[1]) }
        var out = "Expiry as of \(ExpiryCalendar.format(calendar.at)), margin \(calendar.margin)\n\n"
        out += Output.table(["date (UTC)", "repository", "what", "status"], rows.map(\.1)) + "\n\n"
        if let next = calendar.nextCeremony {
            let names = calendar.repositories.filter { $0.nextCeremony == next }.map(\.name).joined(separator: ", ")
            let days = Int((next.timeIntervalSince(calendar.at) / 86_400).rounded(.down))
            let when = days >= 0 ? "in \(days) day\(days == 1 ? "" : "s")" : "\(-days) day\(days == -1 ? "" : "s") ago"
            out += "Next ceremony (\(names)): by \(ExpiryCalendar.format(next)), \(when).\n"
        }
        let problems = calendar.problems
        if problems.isEmpty {
            out += "Everything is outside the \(calendar.margin) margin."
        } else {
            out += problems.joined(separator: "\n")
        }
        if let icsFile { out += "\nCalendar written to \(icsFile)." }
        return out
    }

    /// Schema 1, as documented in the README.
    static func json(_ calendar: ExpiryCalendar) -> JSONObject {
        var object = JSONObject()
        object["schema"] = .integer(1)
        object["at"] = .string(ExpiryCalendar.format(calendar.at))
        object["margin"] = .string(calendar.margin.text)
        object["status"] = .string(calendar.status.rawValue)
        object["next_ceremony"] = calendar.nextCeremony.map { .string(ExpiryCalendar.format($0)) } ?? .null
        object["repositories"] = .array(calendar.repositories.map { repository in
            var entry = JSONObject()
            entry["name"] = .string(repository.name)
            entry["path"] = .string(repository.path)
            entry["dialect"] = repository.dialect.map { .string($0.rawValue) } ?? .null
            entry["next_ceremony"] = repository.nextCeremony.map { .string(ExpiryCalendar.format($0)) } ?? .null
            entry["status"] = .string(repository.status.rawValue)
            entry["expiries"] = .array(repository.items.map { item in
                var value = JSONObject()
                value["role"] = .string(item.entry.role)
                value["kind"] = .string(item.entry.kind.rawValue)
                value["version"] = item.entry.version.map(JSONValue.integer) ?? .null
                value["key_id"] = item.entry.keyID.map(JSONValue.string) ?? .null
                value["expires"] = .string(ExpiryCalendar.format(item.expires))
                value["expires_as_written"] = item.entry.kind == .metadata ? .string(item.entry.expires.text) : .null
                value["deadline"] = .string(ExpiryCalendar.format(item.deadline))
                value["status"] = .string(item.status.rawValue)
                value["file"] = .string(item.entry.file)
                return .object(value)
            })
            return .object(entry)
        })
        object["problems"] = .array(calendar.problems.map(JSONValue.string))
        return object
    }
}

extension ExpiryCommand {
    /// The `expiry_margin` of the plan a bundle (or its `public/` folder) carries, if any.
    static func bundlePlanMargin(_ path: String) -> ExpiryCalendar.Margin? {
        let base = URL(fileURLWithPath: path)
        for candidate in [base.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(BundlePath.plan),
                          base.appendingPathComponent(BundlePath.plan)] where FileManager.default.fileExists(atPath: candidate.path) {
            return (try? Plan.load(contentsOf: candidate))?.expiryMargin
        }
        return nil
    }
}
