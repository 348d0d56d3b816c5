import Foundation
import TrustMetadata

/// A minimal iCalendar object (RFC 5545): one `VCALENDAR` of `VEVENT`s at UTC instants.
///
/// Written as RFC 5545 requires: `CRLF` after every line (§3.1), lines longer than
/// 75 octets folded with `CRLF` + one space without splitting a UTF-8 character (§3.1),
/// TEXT values escaped (`\\`, `\;`, `\,`, `\n`; §3.3.11), times in UTC form
/// `YYYYMMDDTHHMMSSZ` (§3.3.5), and every event with `UID`, `DTSTAMP` and `DTSTART`
/// (§3.6.1). An event may carry one display alarm some days before it (§3.6.6).
package struct ICalendar: Sendable {
    package struct Event: Sendable, Equatable {
        /// Globally unique and stable for the same event (§3.8.4.7).
        package var uid: String
        package var start: Date
        package var summary: String
        package var description: String
        /// Days before ``start`` to show a reminder; nil for none.
        package var alarmDaysBefore: Int?

        package init(uid: String, start: Date, summary: String, description: String, alarmDaysBefore: Int? = nil) {
            self.uid = uid
            self.start = start
            self.summary = summary
            self.description = description
            self.alarmDaysBefore = alarmDaysBefore
        }
    }

    /// `PRODID` (§3.7.3).
    package var productID = "-//KeyCeremony//keyceremony expiry//EN"
    /// `DTSTAMP` of every event: when the calendar was made.
    package var stamp: Date
    package var events: [Event]

    package init(stamp: Date, events: [Event]) {
        self.stamp = stamp
        self.events = events
    }

    /// The calendar's bytes: UTF-8, CRLF line endings, folded at 75 octets.
    package func serialized() -> [UInt8] {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:\(Self.escape(productID))", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        for event in events {
            lines += [
                "BEGIN:VEVENT",
                "UID:\(Self.escape(event.uid))",
                "DTSTAMP:\(Self.dateTime(stamp))",
                "DTSTART:\(Self.dateTime(event.start))",
                "SUMMARY:\(Self.escape(event.summary))",
                "DESCRIPTION:\(Self.escape(event.description))",
                "TRANSP:TRANSPARENT",
            ]
            if let days = event.alarmDaysBefore {
                lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P\(days)D",
                          "DESCRIPTION:\(Self.escape(event.summary))", "END:VALARM"]
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        var output: [UInt8] = []
        for line in lines { output += Self.fold(line) }
        return output
    }

    /// Writes the calendar to a new file (mode 0644); never replaces an existing one.
    ///
    /// - Throws: ``FileError`` when anything exists at `url` or it cannot be written.
    package func write(to url: URL) throws(FileError) {
        try SafeFile.create(url, contents: Data(serialized()))
    }

    /// A content line with its CRLF, folded so no physical line exceeds 75 octets (§3.1).
    static func fold(_ line: String) -> [UInt8] {
        var output: [UInt8] = []
        var count = 0
        for scalar in line.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if count + bytes.count > 75 {
                output += [0x0D, 0x0A, 0x20]
                count = 1
            }
            output += bytes
            count += bytes.count
        }
        output += [0x0D, 0x0A]
        return output
    }

    /// A TEXT value escaped (§3.3.11): backslash, semicolon, comma and newline.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\n", "\r\n", "\r": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// A UTC DATE-TIME, `YYYYMMDDTHHMMSSZ` (§3.3.5, form #2), whole seconds.
    static func dateTime(_ date: Date) -> String {
        MetadataTime(date).text.filter { $0 != "-" && $0 != ":" }
    }
}

