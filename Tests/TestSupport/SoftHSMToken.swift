import Ceremony
import PKCS11
import TrustMetadata


/// A fresh SoftHSM2 token (from the shared test sandbox) that makes token-backed signers.
public struct SoftHSMToken {
    public let token: SoftHSMSandbox.TestToken
    public let session: Session

    public static func make() throws -> SoftHSMToken {
        let token = try SoftHSMSandbox.makeToken("meta")
        return SoftHSMToken(token: token, session: try token.session())
    }

    package func generateSigner(_ algorithm: KeyAlgorithm, label: String? = nil) throws -> TokenSigner {
        let key = try session.generateKeyPair(algorithm, policy: KeyPolicy(label: label ?? "root-\(algorithm.rawValue)"))
        return try TokenSigner(session: session, key: key)
    }
}
