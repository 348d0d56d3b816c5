import Foundation
import Testing
import TestSupport

/// `keyceremony expiry` as an operator runs it, on real rehearsal bundles and on the
/// peer-made fixtures. Expected dates come from the files themselves, read by
/// `scripts/testing/expiry-dates.py` (python's json and datetime, and openssl for the
/// certificates), never from keyceremony's own parsers.
@Suite("keyceremony expiry (CLI)")
struct ExpiryCommandTests {
    /// What the independent reader found.
    struct Dates: Decodable {
        struct File: Decodable {
            let type: String
            let version: Int
            let expires: String
            let certificates: [String: String]
        }
        let files: [String: File]
        let earliest: String
        let next_ceremony: String
        let before_next_ceremony: String
    }

    static func independentDates(_ files: [String], marginDays: Int = 60) throws -> Dates {
        let script = TestPaths.path("scripts/testing/expiry-dates.py")
        let run = try ProcessRunner.run("python3", [script, "--margin-days", String(marginDays)] + files)
        try #require(run.status == 0, "\(run.output)")
        return try JSONDecoder().decode(Dates.self, from: Data(run.stdout.utf8))
    }

    static func expiry(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(try TestPaths.keyceremony, ["expiry"] + arguments)
    }

    static func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.output)")
    }

    static func repositories(_ object: [String: Any]) -> [[String: Any]] {
        object["repositories"] as? [[String: Any]] ?? []
    }

    static func expiries(_ repository: [String: Any]) -> [[String: Any]] {
        repository["expiries"] as? [[String: Any]] ?? []
    }

    /// "2026-12-25T12:00:00Z" -> "20261225T120000Z", the iCalendar UTC form.
    static func icsForm(_ time: String) -> String {
        time.filter { $0 != "-" && $0 != ":" }
    }

    /// Checks RFC 5545 structure byte by byte and returns the unfolded content lines.
    static func checkCalendar(_ bytes: [UInt8]) throws -> [String] {
        // Every line ends in CRLF; no bare LF or CR.
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        var physical: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D {
                try #require(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "a CR not followed by LF at byte \(index)")
                physical.append(current)
                current = []
                index += 2
                continue
            }
            try #require(bytes[index] != 0x0A, "a bare LF at byte \(index)")
            current.append(bytes[index])
            index += 1
        }
        #expect(current.isEmpty)
        for line in physical {
            #expect(line.count <= 75, "a line of \(line.count) octets: \(String(decoding: line, as: UTF8.self))")
            #expect(String(validating: line, as: UTF8.self) != nil, "a fold split a UTF-8 character")
        }
        #expect(physical.contains { $0.count > 70 }, "nothing long enough to test folding")
        // Unfold: a line starting with a space continues the previous one.
        var lines: [String] = []
        for line in physical {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(" ") { lines[lines.count - 1] += text.dropFirst() } else { lines.append(text) }
        }
        // BEGIN/END balance, properly nested.
        var stack: [String] = []
        for line in lines {
            if line.hasPrefix("BEGIN:") { stack.append(String(line.dropFirst(6))) }
            if line.hasPrefix("END:") {
                #expect(stack.last == String(line.dropFirst(4)), "END:\(line.dropFirst(4)) closes \(stack.last ?? "nothing")")
                stack.removeLast()
            }
        }
        #expect(stack.isEmpty)
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.last == "END:VCALENDAR")
        #expect(lines.contains("VERSION:2.0"))
        #expect(lines.contains { $0.hasPrefix("PRODID:") })
        return lines
    }

    /// The VEVENTs of unfolded lines, each as property name to value.
    static func events(_ lines: [String]) -> [[String: String]] {
        var events: [[String: String]] = []
        var current: [String: String]?
        var depth = 0
        for line in lines {
            if line == "BEGIN:VEVENT" { current = [:]; depth = 0; continue }
            if line == "END:VEVENT" { events.append(current ?? [:]); current = nil; continue }
            if line.hasPrefix("BEGIN:") { depth += 1; continue }
            if line.hasPrefix("END:") { depth -= 1; continue }
            guard depth == 0, current != nil, let colon = line.firstIndex(of: ":") else { continue }
            current![String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return events
    }

    @Test("TUF rehearsal bundle: the root's expiry, the next ceremony 60 days before, the margin boundary, every PATH form, and the calendar")
    func tufRehearsal() throws {
        let scratch = try TemporaryDirectory("expiry-tuf")
        defer { scratch.remove() }
        let out = scratch.path("r")
        let rehearse = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out, "--dialect", "tuf"], environment: ["SOFTHSM2_CONF": nil])
        try #require(rehearse.status == 0, "\(rehearse.output)")
        let bundle = "\(out)/01-root-generation"
        let root = "\(bundle)/public/metadata/rehearsal/1.root.json"
        let dates = try Self.independentDates([root])
        let expires = try #require(dates.files[root]).expires

        // Well outside the margin: exit 0, and the JSON says exactly what the file says.
        let before = try Self.expiry([bundle, "--json", "--at", dates.before_next_ceremony])
        #expect(before.status == 0, "\(before.output)")
        let object = try Self.json(before)
        #expect(object["schema"] as? Int == 1)
        #expect(object["at"] as? String == dates.before_next_ceremony)
        #expect(object["margin"] as? String == "60d")
        #expect(object["status"] as? String == "ok")
        #expect(object["next_ceremony"] as? String == dates.next_ceremony)
        #expect((object["problems"] as? [Any])?.isEmpty == true)
        let repositories = Self.repositories(object)
        try #require(repositories.count == 1)
        #expect(repositories[0]["name"] as? String == "rehearsal")
        #expect(repositories[0]["dialect"] as? String == "tuf")
        #expect(repositories[0]["next_ceremony"] as? String == dates.next_ceremony)
        #expect(repositories[0]["status"] as? String == "ok")
        let entries = Self.expiries(repositories[0])
        try #require(entries.count == 1, "a TUF rehearsal has only root metadata: \(entries)")
        #expect(entries[0]["role"] as? String == "root")
        #expect(entries[0]["kind"] as? String == "metadata")
        #expect(entries[0]["version"] as? Int == 1)
        #expect(entries[0]["key_id"] is NSNull)
        #expect(entries[0]["expires"] as? String == expires)
        #expect(entries[0]["deadline"] as? String == dates.next_ceremony)
        #expect(entries[0]["status"] as? String == "ok")
        #expect((entries[0]["file"] as? String)?.hasSuffix("rehearsal/root.json") == true
                || (entries[0]["file"] as? String)?.hasSuffix("rehearsal/1.root.json") == true)

        // At the deadline itself: inside the margin, exit 1, said in words.
        let at = try Self.expiry([bundle, "--at", dates.next_ceremony])
        #expect(at.status == 1, "\(at.output)")
        #expect(at.stdout.contains("rehearsal: root (version 1) expires at \(expires), inside the 60d margin: the next ceremony was due by \(dates.next_ceremony)."), "\(at.stdout)")
        #expect(at.stdout.contains("INSIDE MARGIN"))
        // At the expiry: expired.
        let expired = try Self.expiry([bundle, "--at", expires, "--json"])
        #expect(expired.status == 1)
        #expect(try Self.json(expired)["status"] as? String == "expired")
        #expect(expired.stdout.contains("root (version 1) expired at \(expires)"))

        // A longer margin moves the deadline: 8 weeks = 56 days.
        let weeks = try Self.independentDates([root], marginDays: 56)
        let eightWeeks = try Self.expiry([bundle, "--json", "--margin", "8w", "--at", weeks.before_next_ceremony])
        #expect(eightWeeks.status == 0, "\(eightWeeks.output)")
        #expect(try Self.json(eightWeeks)["next_ceremony"] as? String == weeks.next_ceremony)
        #expect(try Self.expiry([bundle, "--margin", "8w", "--at", weeks.next_ceremony]).status == 1)

        // Every form of PATH finds the same date.
        for path in ["\(bundle)/public", "\(bundle)/public/metadata/rehearsal", root] {
            let result = try Self.expiry([path, "--json", "--at", dates.before_next_ceremony])
            #expect(result.status == 0, "\(path): \(result.output)")
            let found = Self.repositories(try Self.json(result))
            #expect(found.count == 1)
            #expect(found.first?["name"] as? String == "rehearsal", "\(path)")
            #expect(found.first.map(Self.expiries)?.first?["expires"] as? String == expires, "\(path)")
        }

        // The calendar: RFC 5545 structure, one next-ceremony event and one per expiry.
        let ics = scratch.path("next.ics")
        let written = try Self.expiry([bundle, "--at", dates.before_next_ceremony, "--ics", ics])
        #expect(written.status == 0, "\(written.output)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: ics)))
        let lines = try Self.checkCalendar(bytes)
        let events = Self.events(lines)
        #expect(events.count == 2)
        #expect(Set(events.compactMap { $0["DTSTART"] }) == [Self.icsForm(dates.next_ceremony), Self.icsForm(expires)])
        #expect(events.allSatisfy { $0["DTSTAMP"] == Self.icsForm(dates.before_next_ceremony) })
        #expect(Set(events.compactMap { $0["UID"] }).count == 2)
        let next = events.first { $0["DTSTART"] == Self.icsForm(dates.next_ceremony) }
        #expect(next?["SUMMARY"] == "next ceremony for rehearsal")
        // The description's commas are escaped as RFC 5545 TEXT.
        #expect(next?["DESCRIPTION"]?.contains("\\,") == true)
        #expect(lines.contains("TRIGGER:-P14D"))

        // Never replaced: exit 2, the file untouched.
        let again = try Self.expiry([bundle, "--at", dates.next_ceremony, "--ics", ics])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: ics))) == bytes)
        // Made again elsewhere, the same dates keep the same UIDs.
        let second = scratch.path("again.ics")
        #expect(try Self.expiry([bundle, "--at", dates.before_next_ceremony, "--ics", second]).status == 0)
        let uids = Set(Self.events(try Self.checkCalendar(Array(try Data(contentsOf: URL(fileURLWithPath: second))))).compactMap { $0["UID"] })
        #expect(uids == Set(events.compactMap { $0["UID"] }))

        // A plan's expiry_margin sets the bundle's default margin; --margin still overrides it.
        let copy = scratch.path("with-margin")
        _ = try ProcessRunner.run("cp", ["-a", "\(bundle)/public", copy])
        let plan = try String(contentsOfFile: "\(copy)/plan.yaml", encoding: .utf8)
        try (plan + "expiry_margin: 10d\n").write(toFile: "\(copy)/plan.yaml", atomically: true, encoding: .utf8)
        let tenDays = try Self.independentDates(["\(copy)/metadata/rehearsal/1.root.json"], marginDays: 10)
        let fromPlan = try Self.json(try Self.expiry([copy, "--json", "--at", tenDays.before_next_ceremony]))
        #expect(fromPlan["margin"] as? String == "10d")
        #expect(fromPlan["next_ceremony"] as? String == tenDays.next_ceremony)
        let overridden = try Self.json(try Self.expiry([copy, "--json", "--margin", "60d", "--at", tenDays.before_next_ceremony]))
        #expect(overridden["margin"] as? String == "60d")
    }

    @Test("Notary rehearsal bundle: the root's expiry and each root certificate's notAfter, as openssl reads them")
    func notaryRehearsal() throws {
        let scratch = try TemporaryDirectory("expiry-notary")
        defer { scratch.remove() }
        let out = scratch.path("r")
        let rehearse = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out], environment: ["SOFTHSM2_CONF": nil])
        try #require(rehearse.status == 0, "\(rehearse.output)")
        let bundle = "\(out)/01-root-generation"
        let metadata = "\(bundle)/public/metadata"
        let roots = FileManager.default.enumerator(atPath: metadata)!.compactMap { $0 as? String }.filter { $0.hasSuffix("/root.json") }
        try #require(roots.count == 1, "\(roots)")
        let gun = String(roots[0].dropLast("/root.json".count))
        let root = "\(metadata)/\(roots[0])"
        let dates = try Self.independentDates([root])
        let file = try #require(dates.files[root])
        #expect(file.type == "Root")
        try #require(file.certificates.count == 3, "three root certificates: \(file.certificates)")

        let result = try Self.expiry([bundle, "--json", "--at", dates.before_next_ceremony])
        #expect(result.status == 0, "\(result.output)")
        let object = try Self.json(result)
        #expect(object["next_ceremony"] as? String == dates.next_ceremony)
        let repositories = Self.repositories(object)
        try #require(repositories.count == 1)
        #expect(repositories[0]["name"] as? String == gun)
        #expect(repositories[0]["dialect"] as? String == "notary")
        let entries = Self.expiries(repositories[0])
        let metadataEntries = entries.filter { $0["kind"] as? String == "metadata" }
        #expect(metadataEntries.count == 1)
        #expect(metadataEntries.first?["role"] as? String == "root")
        #expect(metadataEntries.first?["expires"] as? String == file.expires)
        var certificates: [String: String] = [:]
        for entry in entries where entry["kind"] as? String == "certificate" {
            #expect(entry["role"] as? String == "root")
            #expect(entry["version"] is NSNull)
            #expect(entry["expires_as_written"] is NSNull)
            if let keyID = entry["key_id"] as? String { certificates[keyID] = entry["expires"] as? String }
        }
        #expect(certificates == file.certificates)
        // Sorted by date.
        let times = entries.compactMap { $0["expires"] as? String }
        #expect(times == times.sorted())

        #expect(try Self.expiry([bundle, "--at", dates.next_ceremony]).status == 1)

        // The table names every certificate and the deadline.
        let table = try Self.expiry([bundle, "--at", dates.before_next_ceremony])
        #expect(table.status == 0)
        for (keyID, notAfter) in file.certificates {
            #expect(table.stdout.contains("root certificate \(keyID.prefix(12)) expires"), "\(table.stdout)")
            #expect(table.stdout.contains(notAfter))
        }
        #expect(table.stdout.contains("Next ceremony (\(gun)): by \(dates.next_ceremony)"), "\(table.stdout)")
        #expect(table.stdout.contains("Everything is outside the 60d margin."))
    }

    @Test("peer-made metadata: every role, delegated roles and the newest root are listed with the dates the files hold")
    func fixtures() throws {
        // python-tuf: roots 1..3 (the newest counts), targets, two delegated roles, snapshot, timestamp.
        let tuf = TestPaths.path("fixtures/tuf/python-tuf")
        let tufFiles = ["3.root.json", "1.targets.json", "1.role1.json", "1.role2.json", "1.snapshot.json", "timestamp.json"].map { "\(tuf)/\($0)" }
        let tufDates = try Self.independentDates(tufFiles)
        let tufRun = try Self.expiry([tuf, "--json", "--at", tufDates.before_next_ceremony])
        #expect(tufRun.status == 0, "\(tufRun.output)")
        let tufRepositories = Self.repositories(try Self.json(tufRun))
        // The search stops at the first folder holding metadata (the tampered copies below are not read);
        // a directory searched from itself is named for its folder.
        try #require(tufRepositories.count == 1)
        let main = tufRepositories[0]
        #expect(main["name"] as? String == "python-tuf")
        let roles = Self.expiries(main).compactMap { $0["role"] as? String }
        #expect(Set(roles) == ["root", "targets", "role1", "role2", "snapshot", "timestamp"])
        #expect(roles.count == 6)
        for entry in Self.expiries(main) {
            let file = try #require(entry["file"] as? String)
            #expect(entry["expires"] as? String == tufDates.files[file]?.expires, "\(file)")
            #expect(entry["version"] as? Int == tufDates.files[file]?.version, "\(file)")
        }
        #expect(Self.expiries(main).first { $0["role"] as? String == "root" }?["version"] as? Int == 3)

        // Notary: root with its certificate, targets, the delegated targets/releases, snapshot, timestamp.
        let notary = TestPaths.path("fixtures/notary/repository")
        let notaryFiles = ["root.json", "targets.json", "targets/releases.json", "snapshot.json", "timestamp.json"].map { "\(notary)/\($0)" }
        let notaryDates = try Self.independentDates(notaryFiles, marginDays: 7)
        let notaryRun = try Self.expiry([notary, "--json", "--margin", "7d", "--at", notaryDates.before_next_ceremony])
        #expect(notaryRun.status == 0, "\(notaryRun.output)")
        let object = try Self.json(notaryRun)
        #expect(object["next_ceremony"] as? String == notaryDates.next_ceremony)
        let repository = try #require(Self.repositories(object).first)
        #expect(repository["dialect"] as? String == "notary")
        let entries = Self.expiries(repository)
        #expect(Set(entries.compactMap { $0["role"] as? String }) == ["root", "targets", "targets/releases", "snapshot", "timestamp"])
        for entry in entries {
            let path = try #require(entry["file"] as? String)
            let file = try #require(notaryDates.files[path])
            if entry["kind"] as? String == "certificate" {
                #expect(entry["expires"] as? String == file.certificates[entry["key_id"] as? String ?? ""])
            } else {
                #expect(entry["expires"] as? String == file.expires)
            }
        }
        #expect(entries.filter { $0["kind"] as? String == "certificate" }.count == notaryDates.files["\(notary)/root.json"]?.certificates.count)
        // Notary's nanoseconds are kept as written and dropped in the whole-second date.
        let timestamp = try #require(entries.first { $0["role"] as? String == "timestamp" })
        #expect((timestamp["expires_as_written"] as? String)?.contains(".") == true)
        // With the default 60 days the earliest ceremony date is inside the margin; the timestamp,
        // which expires sooner but is re-signed online, is listed and never named as overdue.
        let inside = try Self.expiry([notary, "--at", notaryDates.before_next_ceremony])
        #expect(inside.status == 1)
        #expect(inside.stdout.contains("the next ceremony was due by"), "\(inside.stdout)")
        #expect(!inside.stdout.contains("timestamp (version 3) expires at"), "\(inside.stdout)")
    }

    @Test("input errors exit 2 with a plain reason")
    func inputErrors() throws {
        // The search lists at most 10,000 directories, so a path such as / ends quickly: a root
        // beyond that many directories is not reached (it would be, and give exit 0 or 1, without the bound).
        let wide = try TemporaryDirectory("expiry-wide")
        defer { wide.remove() }
        for index in 0..<10_050 {
            try FileManager.default.createDirectory(atPath: wide.path(String(format: "d%05d", index)), withIntermediateDirectories: false)
        }
        try FileManager.default.copyItem(atPath: TestPaths.path("fixtures/realworld/tuf-rsa-pss-max-salt.root.json"), toPath: wide.path("d10049/root.json"))
        let bounded = try ProcessRunner.run("timeout", ["60", try TestPaths.keyceremony, "expiry", wide.path("")])
        #expect(bounded.status == 2, "\(bounded.output)")
        #expect(bounded.stderr.contains("no root.json, N.root.json or targets.json found"), "\(bounded.stderr)")
        let scratch = try TemporaryDirectory("expiry-bad")
        defer { scratch.remove() }
        let tuf = TestPaths.path("fixtures/tuf/python-tuf")

        let missing = try Self.expiry([scratch.path("nothing-here")])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or directory"))

        try scratch.write("{\"signed\": {\"_type\": \"root\", ", to: "broken/root.json")
        let broken = try Self.expiry([scratch.path("broken")])
        #expect(broken.status == 2, "\(broken.output)")
        #expect(broken.stderr.contains("root.json"))
        #expect(broken.stdout.isEmpty)

        try scratch.write("{\"signed\": {\"_type\": \"mirrors\", \"version\": 1, \"expires\": \"2030-01-01T00:00:00Z\"}, \"signatures\": []}", to: "odd/mirrors.json")
        let odd = try Self.expiry([scratch.path("odd/mirrors.json")])
        #expect(odd.status == 2)
        #expect(odd.stderr.contains("not root, targets, snapshot or timestamp"), "\(odd.stderr)")

        try scratch.write("{\"signed\": {\"_type\": \"targets\", \"version\": 1, \"expires\": \"next year\", \"spec_version\": \"1.0.31\", \"targets\": {}}, \"signatures\": []}", to: "badtime/targets.json")
        let badTime = try Self.expiry([scratch.path("badtime")])
        #expect(badTime.status == 2)
        #expect(badTime.stderr.contains("expires"), "\(badTime.stderr)")

        try FileManager.default.createDirectory(atPath: scratch.path("empty"), withIntermediateDirectories: true)
        #expect(try Self.expiry([scratch.path("empty")]).status == 2)

        for margin in ["5x", "-5d", "2030-01-01T00:00:00Z", "0.5d"] {
            let bad = try Self.expiry([tuf, "--margin=\(margin)"])
            #expect(bad.status == 2, "--margin \(margin)")
            #expect(bad.stderr.contains("is not a duration"), "\(bad.stderr)")
        }
        // An empty value is argument-parser's usage error, still exit 2.
        #expect(try Self.expiry([tuf, "--margin="]).status == 2)
        let badAt = try Self.expiry([tuf, "--at", "tomorrow"])
        #expect(badAt.status == 2)
        #expect(badAt.stderr.contains("RFC 3339"))
        #expect(try Self.expiry([]).status == 2)
    }
}
