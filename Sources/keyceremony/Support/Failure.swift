import ArgumentParser
import Foundation
import PKCS11

/// Prints an error in words on standard error and picks an exit code that means something:
/// 1 for a verification or ceremony failure, 2 for a usage or input error.
enum Failure {
    static func exit(_ error: Error, usage: Bool? = nil) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        if let usage { return usage ? ExitCode(2) : ExitCode(1) }
        return isInputError(error) ? ExitCode(2) : ExitCode(1)
    }

    static func isInputError(_ error: Error) -> Bool {
        switch error as? PKCS11Error {
        case .moduleUnavailable?, .invalidURI?, .invalidArgument?, .tokenNotFound?, .ambiguousToken?: return true
        default: break
        }
        return error is CocoaError || error is DecodingError || error is ValidationError
    }
}

enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A plain left-aligned table for people.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
