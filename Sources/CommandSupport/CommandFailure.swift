import ArgumentParser
import Foundation
import Ceremony
import PKCS11

/// Prints an error in words on standard error and picks an exit code that means something:
/// 1 for a verification or ceremony failure, 2 for a usage or input error.
package enum CommandFailure {
    package static func exit(_ error: Error, usage: Bool? = nil) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        if let failure = error as? CeremonyFailure, failure.interrupted { return ExitCode(130) }
        if let usage { return usage ? ExitCode(2) : ExitCode(1) }
        return isInputError(error) ? ExitCode(2) : ExitCode(1)
    }

    package static func isInputError(_ error: Error) -> Bool {
        switch error as? PKCS11Error {
        case .moduleUnavailable?, .invalidURI?, .invalidArgument?, .tokenNotFound?, .ambiguousToken?: return true
        default: break
        }
        return error is CocoaError || error is DecodingError || error is ValidationError
    }
}
