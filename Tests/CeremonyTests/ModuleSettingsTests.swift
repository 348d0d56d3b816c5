import Foundation
import PKCS11
import Testing
@testable import Ceremony

@Suite("Module parameters and key policy exceptions in plans and site profiles")
struct ModuleSettingsTests {
    static let nssParameters = "tokens=<0x10=[configdir='sql:/srv/nss/a' certPrefix='' keyPrefix='' secmod='secmod.db' tokenDescription='root-a']>"

    func profile(_ text: String) throws(PlanError) -> SiteProfile {
        try SiteProfile.parse(SourceFile(url: URL(fileURLWithPath: "/tmp/room.yaml"), displayName: "room.yaml", bytes: Data(text.utf8)))
    }

    func profileErrors(_ text: String) -> [String] {
        do {
            _ = try profile(text)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("a profile gives softokn's LibraryParameters and a CKA_LOCAL exception for one manufacturer; the resolved plan carries both")
    func profileSettings() throws {
        let text = """
        module: nss-softokn
        module_parameters: "\(Self.nssParameters)"
        key_policy_exceptions:
          - attribute: CKA_LOCAL
            manufacturer: Mozilla Foundation
            reason: NSS softokn never sets CKA_LOCAL on keys it generates

        """
        let profile = try profile(text)
        #expect(profile.module == .alias(.nssSoftokn))
        #expect(profile.moduleParameters?.text == Self.nssParameters)
        #expect(profile.keyPolicyExceptions.count == 1)
        let resolved = try ResolvedPlan.resolve(plan: try validPlan(), profile: profile)
        #expect(resolved.moduleParameters?.text == Self.nssParameters)
        let nss = TokenIdentity(label: "root-a", serial: "0000000000000000", manufacturer: "Mozilla Foundation", model: "NSS 3")
        let other = TokenIdentity(label: "root-a", serial: "0000000000000000", manufacturer: "IBM", model: "SW   TPM")
        #expect(resolved.keyPolicyExceptions.policyExceptions(for: nss) == [KeyPolicyException(attribute: .local, reason: "NSS softokn never sets CKA_LOCAL on keys it generates")])
        #expect(resolved.keyPolicyExceptions.policyExceptions(for: other).isEmpty, "an exception covers only the maker it names")
    }

    @Test("module parameters come from the file that names the module")
    func parametersFollowTheModule() throws {
        let plan = try validPlan(replacing("module: softhsm\n", with: "module: nss-softokn\nmodule_parameters: \"configdir='sql:/a'\"\n", in: validTUFPlan))
        #expect(plan.moduleParameters?.text == "configdir='sql:/a'")
        #expect(try ResolvedPlan.resolve(plan: plan, profile: nil).moduleParameters?.text == "configdir='sql:/a'")
        let room = try profile("module: softhsm\nholders:\n  Alice: { label: a }\n")
        #expect(try ResolvedPlan.resolve(plan: plan, profile: room).moduleParameters == nil, "the profile's module replaces the plan's, parameters and all")
    }

    @Test("module parameters that look like a secret are refused, without repeating the value", arguments: [
        "configdir='sql:/a' password='hunter2-x'",
        "tokens=<0x10=[configdir='sql:/a' dbPassPhrase='hunter2-x']>",
        "pin-value=hunter2-x",
        "server=https://admin:hunter2-x@hsm.example",
    ])
    func secretParameters(text: String) {
        let errors = profileErrors("module: nss-softokn\nmodule_parameters: \"\(text)\"\n")
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains("room.yaml:2:") == true, "\(errors)")
        #expect(errors.first?.contains("secret") == true || errors.first?.contains("password") == true, "\(errors)")
        #expect(errors.allSatisfy { !$0.contains("hunter2") }, "\(errors)")
    }

    @Test("profiles refuse exceptions that would relax anything but CKA_LOCAL, or that lack a maker or a reason", arguments: [
        ("key_policy_exceptions:\n  - { attribute: CKA_EXTRACTABLE, manufacturer: X, reason: because the vendor says so }\n", "attribute 'CKA_EXTRACTABLE' cannot be excepted"),
        ("key_policy_exceptions:\n  - { attribute: CKA_LOCAL, reason: because the vendor says so }\n", "is missing 'manufacturer'"),
        ("key_policy_exceptions:\n  - { attribute: CKA_LOCAL, manufacturer: X }\n", "is missing 'reason'"),
        ("key_policy_exceptions:\n  - { attribute: CKA_LOCAL, manufacturer: X, reason: ok }\n", "reason must be a sentence"),
        ("module_parameters: \"configdir='sql:/a'\"\n", "module_parameters are given without 'module'"),
    ])
    func strictExceptions(text: String, expected: String) {
        let errors = profileErrors(text)
        #expect(errors.contains { $0.contains(expected) }, "\(errors)")
    }
}
