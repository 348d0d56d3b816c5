import PKCS11
import TestSupport
import TrustMetadata

typealias TokenAlgorithm = PKCS11.KeyAlgorithm

/// A fresh SoftHSM2 token (from the shared test sandbox) that makes token-backed signers.
struct SoftHSMToken {
    let token: SoftHSMSandbox.TestToken
    let session: Session

    static func make() throws -> SoftHSMToken {
        let token = try SoftHSMSandbox.makeToken("meta")
        return SoftHSMToken(token: token, session: try token.session())
    }

    func generateSigner(_ algorithm: TokenAlgorithm, label: String? = nil) throws -> TokenMetadataSigner {
        let key = try session.generateKeyPair(algorithm, policy: KeyPolicy(label: label ?? "root-\(algorithm.rawValue)"))
        return try TokenMetadataSigner(session: session, key: key)
    }
}
