import ArgumentParser
import Ceremony
import Foundation
import PKCS11

struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "List the tokens a PKCS#11 module sees, and the key objects on them.",
        discussion: """
        Use this before a ceremony to check that each officer's token is present and is the one \
        the plan names (by label or serial), and afterwards to inspect what a ceremony left on it.

        Without --login only public objects are visible. With --login you are asked for each \
        token's user PIN at the terminal, without echo; PINs are never taken from arguments or \
        the environment. --json prints the schema documented in the README (schema 1).

        Examples:
          keyceremony tokens --module softhsm
          keyceremony tokens --module /usr/lib/softhsm/libsofthsm2.so --json
          keyceremony tokens --token serial=5c1e0d2a9b7f4e11 --login
          keyceremony tokens --module tpm2 --token pkcs11:token=root-a
          keyceremony tokens --module nss-softokn --module-parameters "tokens=<0x10=[configdir='sql:/srv/nss' tokenDescription='root-a']>"
        """
    )

    @Option(help: "PKCS#11 module path or alias (softhsm, p11-kit-proxy, opensc, tpm2, nss-softokn).")
    var module: String = "softhsm"

    @Option(help: ArgumentHelp("The module's LibraryParameters for C_Initialize (NSS softokn needs them); never a secret.",
                               valueName: "text"))
    var moduleParameters: String?

    @Option(help: "Only this token: a label, serial=…, or a pkcs11: URI.")
    var token: String?

    @Flag(help: "Log in to each token (PIN read from the terminal) to list private objects.")
    var login = false

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        // Ctrl-C at a PIN prompt must give the terminal its echo back.
        if login { Interruption.install(nil) }
        defer { if login { Interruption.remove() } }
        do {
            let parameters = try moduleParameters.map { text throws(PKCS11Error) in try LibraryParameters(text) }
            let module = try PKCS11Module.open(module, libraryParameters: parameters)
            var present = try module.tokens().filter(\.initialized)
            if let token { present = [try module.token(matching: TokenSelector.parse(token))] }
            var inventory: [TokenInventory.Token] = []
            for info in present {
                let session = try module.openSession(on: info)
                defer { session.close() }
                if login {
                    let pin = try TerminalPINReader.read(prompt: "User PIN for token \(info.identity)")
                    try session.login(pin: pin)
                    pin.wipe()
                }
                inventory.append(TokenInventory.Token(info, loggedIn: login, keys: try session.keyObjects()))
                if login { try session.logout() }
            }
            let result = try TokenInventory(module: module, tokens: inventory)
            if json { try Output.json(result) } else { print(Self.describe(result)) }
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    static func describe(_ inventory: TokenInventory) -> String {
        var out = "Module \(inventory.module.path) — \(inventory.module.manufacturer) \(inventory.module.description) \(inventory.module.version)\n"
        if inventory.tokens.isEmpty { out += "\nNo initialised tokens present.\n" }
        for token in inventory.tokens {
            var state: [String] = []
            if token.flags.userPINLocked { state.append("USER PIN LOCKED") }
            else if token.flags.userPINFinalTry { state.append("user PIN: ONE try left") }
            else if token.flags.userPINCountLow { state.append("user PIN: few tries left") }
            if token.flags.soPINLocked { state.append("SO PIN LOCKED") }
            if !token.flags.userPINInitialized { state.append("user PIN not set") }
            out += "\nToken '\(token.label)'  serial \(token.serial)  \(token.manufacturer) \(token.model)  firmware \(token.firmware)"
            out += state.isEmpty ? "\n" : "  [\(state.joined(separator: ", "))]\n"
            if token.keys.isEmpty {
                out += token.loggedIn ? "  no key objects\n" : "  no public key objects (use --login to see private ones)\n"
                continue
            }
            let flag = { (value: Bool?, name: String) -> String? in value == true ? name : nil }
            let rows = token.keys.map { key -> [String] in
                let type = [key.keyType, key.curve ?? key.bits.map { "\($0)" }].compactMap { $0 }.joined(separator: " ")
                let uses = [flag(key.sign, "sign"), flag(key.verify, "verify"), flag(key.wrap, "wrap"), flag(key.unwrap, "unwrap")].compactMap { $0 }
                let protection = [flag(key.sensitive, "sensitive"), flag(key.alwaysSensitive, "always-sensitive"),
                                  key.extractable == true ? "EXTRACTABLE" : nil, flag(key.neverExtractable, "never-extractable"),
                                  flag(key.local, "local")].compactMap { $0 }
                return [key.label, key.id, key.objectClass, type, uses.joined(separator: ","), protection.joined(separator: ",")]
            }
            out += Output.table(["label", "id", "class", "type", "use", "protection"], rows)
                .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
