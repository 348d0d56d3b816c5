import Foundation

/// The SLIP-0039 reference implementation (PyPI shamir-mnemonic 0.3.0), driven through
/// scripts/fixtures/slip39_peer.py. Secrets and shares go over stdin and stdout, never argv.
public enum ShamirMnemonic {
    public static var script: String { TestPaths.path("scripts/fixtures/slip39_peer.py") }

    static func call(_ command: String, _ request: [String: Any]) throws -> [String: Any] {
        let input = try JSONSerialization.data(withJSONObject: request)
        let result = try ProcessRunner.run(try TestPaths.python, [script, command], stdin: Array(input))
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { throw TestSupportError("slip39_peer.py \(command) failed: \(result.stderr)") }
        return object
    }

    /// What `combine_mnemonics` makes of `mnemonics`: the secret, or the reference's error text.
    public static func combine(_ mnemonics: [String], passphrase: String = "") throws -> Result<[UInt8], TestSupportError> {
        let reply = try call("combine", ["mnemonics": mnemonics, "passphrase": passphrase])
        if reply["ok"] as? Bool == true, let hex = reply["secret"] as? String { return .success(bytes(hex: hex)) }
        return .failure(TestSupportError(reply["error"] as? String ?? "no error text"))
    }

    /// Mnemonics from `generate_mnemonics`, per group.
    public static func split(secret: [UInt8], passphrase: String = "", groupThreshold: Int, groups: [(Int, Int)],
                             extendable: Bool, iterationExponent: Int) throws -> [[String]] {
        let reply = try call("split", [
            "secret": secret.map { String(format: "%02x", $0) }.joined(), "passphrase": passphrase,
            "group_threshold": groupThreshold, "groups": groups.map { [$0.0, $0.1] },
            "extendable": extendable, "iteration_exponent": iterationExponent,
        ])
        guard let groups = reply["groups"] as? [[String]] else { throw TestSupportError("slip39_peer.py split: no groups") }
        return groups
    }

    /// The reference's reading of one share's parameters (`Share.from_mnemonic`), keyed as the
    /// peer prints them ("identifier", "group_index", …); `ok` false with `error` if it refuses it.
    public static func decode(_ mnemonic: String) throws -> [String: Any] {
        try call("decode", ["mnemonic": mnemonic])
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
