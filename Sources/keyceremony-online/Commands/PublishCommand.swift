import ArgumentParser
import Ceremony
import Foundation
import Publishing
import TrustMetadata

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Carry a ceremony bundle into notary-server or a TUF repository (on the online side).",
        discussion: """
        Run this on the online side, never on the ceremony machine. The bundle is checked first \
        exactly as 'keyceremony verify BUNDLE' does (metadata, transcript, manifest, SHA256SUMS); \
        a bundle that fails is refused, and so is a rehearsal bundle unless --allow-rehearsal \
        is given for a test server.

        Notary: --notary-server URL --gun GUN uploads the bundle's newest root.json for GUN \
        through notary-server's API, as 'notary publish' does, and the bundle's targets.json \
        when it has one (a targets-delegation bundle). The server's current root is read first: \
        a root it already holds byte for byte is not sent again. The first publication of a GUN \
        needs a targets.json too: publish a targets-delegation bundle, or give one signed with \
        the targets key the root lists (--targets FILE). The server checks what it receives \
        against what it holds (the old root's threshold must sign a new root, the root's targets \
        keys the targets.json) and re-signs snapshot and timestamp itself; its answer is reported \
        in words, with notary's error codes. https:// is verified against the system's CAs, or \
        --tls-ca FILE; plain http:// only with --insecure-http.

        TUF: --tuf-repo DIR adds the bundle's N.root.json files to the repository's metadata \
        directory, and a delegation bundle's targets.json under the name clients fetch \
        (N.targets.json with consistent snapshots, else targets.json), never overwriting \
        anything (a different file under a version already there is a fork, and a repository \
        already past the bundle is refused; nothing is written then), and says which online \
        roles must be re-signed.

        Exit codes: 0 published, 1 refused (by the checks or the server), 2 usage or input error.

        Examples:
          keyceremony-online publish /media/usb/2026-12-01 --notary-server https://notary.example.com --gun example.com/app
          keyceremony-online publish /media/usb/2026-12-01 --tuf-repo /srv/tuf/metadata
        """
    )

    @Argument(help: "The ceremony output directory (the folder holding public/).")
    var bundle: String

    @Option(help: "notary-server base URL.")
    var notaryServer: String?

    @Option(help: "The GUN whose root to upload (with --notary-server).")
    var gun: String?

    @Option(help: "A signed targets.json to upload with the root (at a GUN's first publication, for a bundle without one).")
    var targets: String?

    @Option(help: "A PEM file of CA certificates to verify notary-server's TLS certificate with.")
    var tlsCa: String?

    @Flag(help: "Allow plain http:// (a test server on this machine).")
    var insecureHttp = false

    @Option(help: "A TUF repository's metadata directory.")
    var tufRepo: String?

    @Flag(help: "Publish a rehearsal bundle (to a test server or repository only).")
    var allowRehearsal = false

    func validate() throws {
        if (notaryServer == nil) == (tufRepo == nil) { throw ValidationError("give either --notary-server URL --gun GUN, or --tuf-repo DIR") }
        if (notaryServer == nil) != (gun == nil) { throw ValidationError("--notary-server and --gun go together") }
        if tufRepo != nil && (targets != nil || tlsCa != nil || insecureHttp) {
            throw ValidationError("--targets, --tls-ca and --insecure-http are for --notary-server")
        }
    }

    func run() throws {
        let published: PublishableBundle
        do {
            published = try PublishableBundle.open(URL(fileURLWithPath: bundle), allowRehearsal: allowRehearsal)
        } catch {
            throw CommandFailure.exit(error, usage: false)
        }
        if let tufRepo {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: tufRepo, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.exit(PublishableBundle.Refusal(description: "--tuf-repo \(tufRepo) is not a folder; give the repository's metadata directory"), usage: true)
            }
            try publishTUF(published, into: URL(fileURLWithPath: tufRepo))
        } else if let notaryServer, let gun {
            try publishNotary(published, server: notaryServer, gun: gun)
        }
    }

    private func publishTUF(_ published: PublishableBundle, into directory: URL) throws {
        guard published.manifest.dialect == .tuf, let repository = published.manifest.repositories.first else {
            throw CommandFailure.exit(PublishableBundle.Refusal(description: "the bundle is \(published.manifest.dialect.rawValue) metadata; --tuf-repo takes a TUF bundle"), usage: true)
        }
        do {
            let outcome = try TUFRepositoryPublisher.publish(try published.roots(of: repository), targets: try published.targets(of: repository),
                                                             into: directory)
            print("Published to \(directory.path): \(outcome.written.isEmpty ? "nothing new" : outcome.written.joined(separator: ", "))")
            if !outcome.alreadyPresent.isEmpty { print("Already there, byte for byte: \(outcome.alreadyPresent.joined(separator: ", "))") }
            for note in outcome.notes { print("Next: \(note)") }
        } catch {
            throw CommandFailure.exit(error, usage: false)
        }
    }

    private func publishNotary(_ published: PublishableBundle, server url: String, gun: String) throws {
        guard published.manifest.dialect == .notary else {
            throw CommandFailure.exit(PublishableBundle.Refusal(description: "the bundle is TUF metadata; --notary-server takes a Notary bundle"), usage: true)
        }
        let root: [UInt8]
        var targetsFile: [UInt8]?
        do {
            guard let newest = try published.roots(of: gun).last else { return }
            root = newest.bytes
            targetsFile = try published.targets(of: gun)?.bytes
            if let targets {
                guard targetsFile == nil else {
                    throw PublishableBundle.Refusal(description: "the bundle carries its own targets.json, signed in its ceremony; --targets is for a bundle without one")
                }
                targetsFile = Array(try SourceFile.read(URL(fileURLWithPath: targets)).bytes)
            }
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        do {
            if let tlsCa { try NotaryServer.trustCertificateAuthorities(at: tlsCa) }
            let server = try NotaryServer(url: url, gun: gun, allowPlainHTTP: insecureHttp)
            // What the server already holds, byte for byte, is not sent again.
            let held = try server.fetchMetadata("root")
            var files: [(role: String, bytes: [UInt8])] = []
            func version(_ bytes: [UInt8]) -> Int64? { (try? SignedMetadata(bytes: bytes)).flatMap { try? RootMetadata(signed: $0.signed) }?.version }
            let heldVersion = held.flatMap { version(Array($0)) }, bundleVersion = version(root)
            if targetsFile != nil, let heldVersion, let bundleVersion, heldVersion > bundleVersion {
                // A delegation signed under an older root: the server judges targets.json by the root it holds.
                print("notary-server holds root version \(heldVersion) for \(gun), newer than this bundle's version \(bundleVersion); only targets.json is sent, and the server checks it against its root")
            } else if held.map(Array.init) != root {
                files.append(("root", root))
            }
            if let targetsFile {
                let heldTargets = held == nil ? nil : try server.fetchMetadata("targets")
                if heldTargets.map(Array.init) != targetsFile { files.append(("targets", targetsFile)) }
            }
            if held == nil && targetsFile == nil {
                throw PublishableBundle.Refusal(description: "notary-server holds nothing for \(gun) yet, and its first publication needs a targets.json beside the root: publish a targets-delegation bundle, or give --targets FILE")
            }
            guard !files.isEmpty else {
                let holds = targetsFile == nil ? "root.json" : (held.map(Array.init) == root ? "root.json and targets.json" : "targets.json")
                print("Nothing to publish to \(server.url) for \(gun): it already holds this bundle's \(holds)")
                return
            }
            try server.upload(files)
            print("Published to \(server.url) for \(gun): \(files.map { "\($0.role).json" }.joined(separator: " and ")) accepted; notary-server re-signs snapshot and timestamp itself")
            if let targetsFile, let roles = (try? SignedMetadata(bytes: targetsFile)).flatMap({ try? TargetsMetadata(signed: $0.signed) })?.delegations?.roles,
               !roles.isEmpty {
                print("Next: the delegates of \(roles.map(\.name).joined(separator: ", ")) sign with their own keys: 'notary key import KEY --role ROLE --gun \(gun)', then 'notary add \(gun) TARGET FILE --roles ROLE' and 'notary publish \(gun)'")
            }
        } catch {
            throw CommandFailure.exit(error, usage: false)
        }
    }
}
