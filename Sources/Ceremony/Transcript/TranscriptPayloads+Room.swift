extension TranscriptEvent {
    /// What preflight checked before anything was created.
    package struct Preflight: Sendable, Equatable, Codable {
        /// The PKCS#11 module's path (`cleanup` loads it again from here) and its manufacturer.
        package var module: String?
        package var moduleManufacturer: String?
        /// SHA-256 hex of the plan, site profile and online key files: the digest read aloud (``CeremonyDigest``).
        package var ceremonyDigest: String?
        /// Each planned token as found: key name → "label (serial …)".
        package var tokens: [String: String]
        /// Online role → the key ID it gets in the new root.
        package var onlineKeys: [String: String]
        /// Why a production ceremony uses a software token (`--allow-software-token`), if it does.
        package var softwareTokenReason: String?

        package init(module: String?, moduleManufacturer: String?, ceremonyDigest: String?, tokens: [String: String], onlineKeys: [String: String],
                     softwareTokenReason: String?) {
            self.module = module
            self.moduleManufacturer = moduleManufacturer
            self.ceremonyDigest = ceremonyDigest
            self.tokens = tokens
            self.onlineKeys = onlineKeys
            self.softwareTokenReason = softwareTokenReason
        }

        enum CodingKeys: String, CodingKey {
            case module, tokens
            case moduleManufacturer = "module_manufacturer", ceremonyDigest = "ceremony_digest", onlineKeys = "online_keys", softwareTokenReason = "software_token_reason"
        }
    }

    /// Key objects a failed ceremony leaves on tokens, written just before the error record.
    package struct ObjectsLeft: Sendable, Equatable, Codable {
        package struct Object: Sendable, Equatable, Codable {
            package var holder: String
            package var key: String
            package var tokenLabel: String
            package var serial: String
            /// The object's `CKA_LABEL` and `CKA_ID` (hex); a key pair shares both.
            package var label: String
            package var ckaID: String
            /// The public key as PEM, to check the object before deleting it.
            package var spkiPEM: String

            package init(holder: String, key: String, tokenLabel: String, serial: String, label: String, ckaID: String, spkiPEM: String) {
                self.holder = holder
                self.key = key
                self.tokenLabel = tokenLabel
                self.serial = serial
                self.label = label
                self.ckaID = ckaID
                self.spkiPEM = spkiPEM
            }

            enum CodingKeys: String, CodingKey {
                case holder, key, serial, label
                case tokenLabel = "token_label", ckaID = "cka_id", spkiPEM = "spki_pem"
            }

            /// "token 'root-a' (serial …): label 'root-a', CKA_ID 0a1b… (Alice)".
            package var spoken: String {
                "token '\(tokenLabel)' (serial \(serial)): key pair labelled '\(label)', CKA_ID \(ckaID) (\(holder)'s key '\(key)')"
            }
        }

        package var objects: [Object]

        package init(objects: [Object]) {
            self.objects = objects
        }
    }

    /// A signing holder was skipped, with the officer's confirmation, once every threshold was met.
    package struct HolderSkipped: Sendable, Equatable, Codable {
        package var step: Int
        package var holder: String
        package var key: String
        /// Why: the problem that kept the holder from signing.
        package var reason: String
        /// Who confirmed the skip.
        package var confirmedBy: String

        package init(step: Int, holder: String, key: String, reason: String, confirmedBy: String) {
            self.step = step
            self.holder = holder
            self.key = key
            self.reason = reason
            self.confirmedBy = confirmedBy
        }

        enum CodingKeys: String, CodingKey {
            case step, holder, key, reason
            case confirmedBy = "confirmed_by"
        }
    }
}
