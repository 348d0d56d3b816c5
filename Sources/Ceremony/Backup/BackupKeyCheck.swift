import Crypto
import PKCS11
import TrustMetadata

/// A check value of the backup key that shows a recombined key is the right one and reveals
/// nothing about it: HMAC-SHA256 keyed by the backup key over the fixed, typed message
/// `keyceremony backup-key-check v1`, as lowercase hex.
///
/// HMAC is a pseudorandom function, so the value gives no information about the key beyond
/// letting someone who holds a candidate key test it (unlike the classic "encrypt zeros" KCV,
/// it cannot be mistaken for, or reused as, a ciphertext under the key).
package enum BackupKeyCheck {
    static let message = Array("keyceremony backup-key-check v1".utf8)

    package static func value(_ key: SecretBytes) -> String {
        key.withBytes { bytes in
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: bytes))
            return ByteEncoding.hex(Array(mac))
        }
    }
}
