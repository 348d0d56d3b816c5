import Crypto
import _CryptoExtras

/// The passphrase encryption of SLIP-0039 (section "Encryption of the master secret"): a 4-round
/// Feistel network whose round function is PBKDF2-HMAC-SHA256 with password `i ‖ P`, salt
/// `S ‖ R` and (10000 · 2^e) / 4 iterations, where S is `"shamir" ‖ id` (2 bytes, big-endian) for
/// shares without the extendable flag and empty with it.
///
/// Intermediate halves are zeroed here when done; the returned array is the caller's to wipe.
enum FeistelCipher {
    static let roundCount = 4
    static let baseIterationCount = 10_000

    static func encrypt(_ secret: [UInt8], passphrase: [UInt8], iterationExponent: Int,
                        identifier: UInt16, extendable: Bool) -> [UInt8] {
        run(secret, passphrase: passphrase, iterationExponent: iterationExponent,
            identifier: identifier, extendable: extendable, rounds: Array(0..<roundCount))
    }

    static func decrypt(_ encrypted: [UInt8], passphrase: [UInt8], iterationExponent: Int,
                        identifier: UInt16, extendable: Bool) -> [UInt8] {
        run(encrypted, passphrase: passphrase, iterationExponent: iterationExponent,
            identifier: identifier, extendable: extendable, rounds: Array((0..<roundCount).reversed()))
    }

    private static func salt(identifier: UInt16, extendable: Bool) -> [UInt8] {
        extendable ? [] : Array("shamir".utf8) + [UInt8(identifier >> 8), UInt8(identifier & 0xFF)]
    }

    /// Input of even length (checked by callers); output `R ‖ L` after the last round.
    private static func run(_ input: [UInt8], passphrase: [UInt8], iterationExponent: Int,
                            identifier: UInt16, extendable: Bool, rounds: [Int]) -> [UInt8] {
        let half = input.count / 2
        var left = Array(input[..<half])
        var right = Array(input[half...])
        let salt = salt(identifier: identifier, extendable: extendable)
        let iterations = (baseIterationCount << iterationExponent) / roundCount
        for round in rounds {
            var password = [UInt8(round)] + passphrase
            var roundSalt = salt + right
            var mask = KDFTimes.measure { roundFunction(password: password, salt: roundSalt, iterations: iterations, length: half) }
            for i in 0..<half { left[i] ^= mask[i] }
            swap(&left, &right)
            SecureZero.wipe(&password)
            SecureZero.wipe(&roundSalt)
            SecureZero.wipe(&mask)
        }
        let output = right + left
        SecureZero.wipe(&left)
        SecureZero.wipe(&right)
        return output
    }

    private static func roundFunction(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        // The SLIP-0039 iteration counts (2500 · 2^e per round) are fixed by the specification and
        // below swift-crypto's general-purpose minimum, hence the unchecked variant. PBKDF2 with
        // SHA-256 and these valid parameters does not fail.
        guard let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha256, outputByteCount: length,
            unsafeUncheckedRounds: iterations)
        else { preconditionFailure("PBKDF2-HMAC-SHA256 failed on valid parameters") }
        return key.withUnsafeBytes { Array($0) }
    }
}
