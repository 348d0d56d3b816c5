import Ceremony
import Foundation
import TrustMetadata

/// Signs with a key on a rehearsal's SoftHSM2 token through OpenSC's `pkcs11-tool`, in a child
/// process with that rehearsal's `SOFTHSM2_CONF` (SoftHSM2 reads its config once per process, so
/// the test process cannot open those tokens itself). ECDSA P-256 only: r||s over SHA-256.
package struct PKCS11ToolSigner: MetadataSigner {
    package let publicKey: PublicKeyMaterial
    let softhsmConfig: String
    let tokenLabel: String
    let ckaID: String
    let pin: String

    /// - Parameter rehearsal: the `keyceremony rehearse` directory (its `softhsm/` holds the config and pins.json).
    package init(rehearsal: URL, tokenLabel: String, ckaID: String, publicKeyPEM: String) throws {
        publicKey = try PublicKeyMaterial(pem: publicKeyPEM)
        softhsmConfig = rehearsal.appendingPathComponent("softhsm/softhsm2.conf").path
        self.tokenLabel = tokenLabel
        self.ckaID = ckaID
        let pins = try JSONSerialization.jsonObject(with: Data(contentsOf: rehearsal.appendingPathComponent("softhsm/pins.json"))) as? [String: Any]
        guard let pin = ((pins?["tokens"] as? [String: Any])?[tokenLabel] as? [String: String])?["user_pin"] else {
            throw TestSupportError("no PIN for \(tokenLabel)")
        }
        self.pin = pin
    }

    package func sign(_ message: [UInt8]) throws -> [UInt8] {
        let scratch = try TemporaryDirectory("pkcs11-tool")
        defer { scratch.remove() }
        // SoftHSM2 offers raw CKM_ECDSA only: the SHA-256 is taken here, as the token layer does.
        try scratch.write(PlanDigest(of: Data(message)).bytes, to: "in")
        let run = try ProcessRunner.run("pkcs11-tool", ["--module", SoftHSMSandbox.modulePath, "--token-label", tokenLabel, "--login", "--pin", pin,
                                                        "--sign", "--mechanism", "ECDSA", "--id", ckaID,
                                                        "--input-file", scratch.path("in"), "--output-file", scratch.path("out")],
                                        environment: ["SOFTHSM2_CONF": softhsmConfig])
        guard run.status == 0 else { throw TestSupportError("pkcs11-tool failed: \(run.output)") }
        return Array(try Data(contentsOf: scratch.url.appendingPathComponent("out")))
    }
}
