import ArgumentParser
import Ceremony
import Foundation
import Publishing

/// `keyceremony-online notary-keys`: fetches a notary-server's snapshot and timestamp public keys
/// for a GUN into a folder, for `keyceremony rehearse --online-keys` (or a plan's `online_keys:`).
struct NotaryKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notary-keys",
        abstract: "Fetch a notary-server's snapshot and timestamp keys for a GUN into a folder.",
        discussion: """
        notary-server holds the snapshot and timestamp keys of each GUN; a root it accepts must \
        list them. This asks the server for both (GET /v2/GUN/_trust/tuf/snapshot.key and \
        timestamp.key, as the notary client does) and writes the answers, checked to be Notary \
        public keys, as DIR/snapshot.key.json and DIR/timestamp.key.json (DIR is made if missing; \
        no file is written over). Carry DIR to the ceremony machine and give it to \
        'keyceremony rehearse --online-keys DIR --gun GUN', or name the files in a plan's \
        online_keys:.

        A server with memory storage answers a new key to each request until the GUN's first \
        publication: fetch once, and use those files.

        https:// is verified against the system's CAs, or --tls-ca FILE; plain http:// only with \
        --insecure-http.

        Exit codes: 0 written, 1 the server refused or did not answer, 2 usage or input error.

        Example:
          keyceremony-online notary-keys --notary-server https://notary.example.com --gun example.com/app --out keys
        """
    )

    @Option(help: "notary-server base URL.")
    var notaryServer: String

    @Option(help: "The GUN whose online keys to fetch.")
    var gun: String

    @Option(help: ArgumentHelp("The folder to write snapshot.key.json and timestamp.key.json into.", valueName: "dir"))
    var out: String

    @Option(help: "A PEM file of CA certificates to verify notary-server's TLS certificate with.")
    var tlsCa: String?

    @Flag(help: "Allow plain http:// (a test server on this machine).")
    var insecureHttp = false

    func run() throws {
        let server: NotaryServer
        do {
            if let tlsCa { try NotaryServer.trustCertificateAuthorities(at: tlsCa) }
            server = try NotaryServer(url: notaryServer, gun: gun, allowPlainHTTP: insecureHttp)
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        let keys: [String: Data]
        do {
            keys = try server.fetchOnlineKeys()
        } catch {
            throw CommandFailure.exit(error, usage: false)
        }
        do {
            let written = try NotaryServerKeys.write(keys, to: URL(fileURLWithPath: out))
            print("The snapshot and timestamp keys of \(gun) at \(server.url):")
            for url in written { print("  \(url.path)") }
            print("Next, on the ceremony machine: keyceremony rehearse --out DIR --online-keys \(out) --gun \(gun)")
        } catch {
            throw CommandFailure.exit(error, usage: !error.fromServer)
        }
    }
}
