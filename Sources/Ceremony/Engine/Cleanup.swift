import Foundation
import PKCS11
import TrustMetadata

/// `keyceremony cleanup FOLDER`: deletes exactly the key objects a failed (or killed) ceremony
/// made on its tokens, and nothing else.
///
/// The objects come from the folder's transcript (`key-generated` records, with the token each
/// was made on from the `token` records and the module from `preflight`). Each is read back by
/// its `CKA_ID` and deleted only when its label and public key match the transcript. What was
/// done is written to a new file in the folder, `cleanup-<UTC time>.json`; nothing is overwritten.
/// A sealed transcript (a completed ceremony) is refused: its keys are a root.
package enum Cleanup {
    /// One object's fate.
    package struct Entry: Sendable, Equatable, Codable {
        package enum Outcome: String, Sendable, Codable { case deleted, absent, refused, unreachable }
        package var object: TranscriptEvent.ObjectsLeft.Object
        package var outcome: Outcome
        /// Plain words: why refused or unreachable, or what was checked.
        package var detail: String
    }

    /// What a cleanup did, as written to the record file.
    package struct Report: Sendable, Equatable, Codable {
        package var schema = 1
        package var folder: String
        package var time: String
        package var entries: [Entry]
        /// Whether every object is now gone from its token.
        package var complete: Bool { entries.allSatisfy { $0.outcome == .deleted || $0.outcome == .absent } }
    }

    package struct Failure: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    /// The transcript of a failed folder (`transcript.jsonl`) or of a killed run's working folder
    /// (`public/transcript.jsonl`).
    static func transcriptURL(in folder: URL) -> URL? {
        let candidates = [folder.appendingPathComponent(BundlePath.transcript),
                          folder.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(BundlePath.transcript)]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The objects the transcript in `folder` says the ceremony made, and the module it used.
    ///
    /// - Throws: ``Failure`` when there is no readable transcript, a line is not a record, or the
    ///   transcript is sealed.
    package static func objects(in folder: URL) throws(Failure) -> (objects: [TranscriptEvent.ObjectsLeft.Object], module: String?) {
        guard let url = transcriptURL(in: folder) else {
            throw Failure(reason: "\(folder.path) holds no transcript.jsonl (nor public/transcript.jsonl); give the DIR.failed-… or DIR.partial-… folder of the ceremony")
        }
        let data: Data
        do { data = try BundlePath.read(url) } catch { throw Failure(reason: "\(url.path): \(error)") }
        var tokens: [String: TranscriptEvent.TokenIdentity] = [:]
        var objects: [TranscriptEvent.ObjectsLeft.Object] = []
        var module: String?
        for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let record = try? TranscriptRecord.decode(line: Data(line)) else {
                throw Failure(reason: "\(url.path) line \(index + 1) is not a transcript record; nothing was deleted")
            }
            switch record.event {
            case let .token(token): tokens[token.key] = token
            case let .preflight(preflight): module = preflight.module
            case let .keyGenerated(made):
                guard let token = tokens[made.key] else {
                    throw Failure(reason: "\(url.path) line \(index + 1): key '\(made.key)' was made on a token the transcript does not name; nothing was deleted")
                }
                objects.append(.init(holder: made.holder, key: made.key, tokenLabel: token.label, serial: token.serial,
                                     label: made.label, ckaID: made.ckaID, spkiPEM: made.spkiPEM))
            case let .keyRestored(made):
                // A key a recovery restored onto its token is an object this ceremony made, too.
                guard let token = tokens[made.key] else {
                    throw Failure(reason: "\(url.path) line \(index + 1): key '\(made.key)' was restored on a token the transcript does not name; nothing was deleted")
                }
                objects.append(.init(holder: made.holder, key: made.key, tokenLabel: token.label, serial: token.serial,
                                     label: made.label, ckaID: made.ckaID, spkiPEM: made.spkiPEM))
            case .seal:
                throw Failure(reason: "\(url.path) is sealed: that ceremony completed, and its keys are a root; cleanup deletes only what a failed ceremony made")
            default: break
            }
        }
        return (objects, module)
    }

    /// Deletes the objects listed in `folder`'s transcript, token by token, and writes the record.
    ///
    /// - Parameters:
    ///   - module: the module path or alias, when the transcript does not name one (a run killed before preflight was recorded).
    ///   - console: where PINs are asked (the terminal, or a rehearsal PIN file for SoftHSM2 tokens).
    /// - Returns: the report and the record file's URL.
    /// - Throws: ``Failure`` when the transcript cannot be used or the module cannot be loaded.
    package static func run(folder: URL, module override: String?, console: CeremonyConsole,
                            clock: () -> Date = Date.init) throws(Failure) -> (report: Report, record: URL) {
        let (objects, recorded) = try objects(in: folder)
        var entries: [Entry] = []
        if !objects.isEmpty {
            guard let path = override ?? recorded else {
                throw Failure(reason: "the transcript does not name the PKCS#11 module; give --module")
            }
            let module: PKCS11Module
            do { module = try PKCS11Module.open(path) } catch { throw Failure(reason: "\(error)") }
            var bySerial: [String: [TranscriptEvent.ObjectsLeft.Object]] = [:]
            var order: [String] = []
            for object in objects {
                if bySerial[object.serial] == nil { order.append(object.serial) }
                bySerial[object.serial, default: []].append(object)
            }
            for serial in order {
                entries += clean(bySerial[serial] ?? [], module: module, console: console)
            }
        }
        let report = Report(folder: folder.path, time: RFC3339.format(clock()), entries: entries)
        let record = try write(report, in: folder, stamp: OutputDirectory.fileStamp(clock()))
        return (report, record)
    }

    /// One token's objects: find the token, log in, read each object back, delete what matches.
    private static func clean(_ objects: [TranscriptEvent.ObjectsLeft.Object], module: PKCS11Module,
                              console: CeremonyConsole) -> [Entry] {
        guard let first = objects.first else { return [] }
        func all(_ outcome: Entry.Outcome, _ detail: String) -> [Entry] { objects.map { Entry(object: $0, outcome: outcome, detail: detail) } }
        let holder = first.holder
        var opened: Session?
        while opened == nil {
            do {
                let token = try module.token(matching: .serial(first.serial))
                guard token.identity.label == first.tokenLabel else {
                    return all(.unreachable, "the token with serial \(first.serial) is labelled '\(token.identity.label)', not '\(first.tokenLabel)' as the transcript records")
                }
                let candidate = try module.openSession(on: token)
                try TokenDesk.login(candidate, module: module, holder: holder, step: nil, console: console)
                console.say("  PIN accepted: token \(token.identity)")
                opened = candidate
            } catch let error as PKCS11Error {
                console.say("  \(holder): \(error)")
                do {
                    try console.awaitRetry("\(holder): insert token '\(first.tokenLabel)' (serial \(first.serial)), then press Enter")
                    try? module.reinitialize()
                } catch {
                    return all(.unreachable, "\(error)")
                }
            } catch {
                return all(.unreachable, "\(error)")
            }
        }
        guard let session = opened else { return all(.unreachable, "the token could not be opened") }
        defer { try? session.logout(); session.close() }
        return objects.map { object in
            let on = "token '\(object.tokenLabel)' (serial \(object.serial))"
            guard let id = ByteEncoding.decodeHex(object.ckaID), !id.isEmpty else {
                return Entry(object: object, outcome: .refused, detail: "the transcript's CKA_ID '\(object.ckaID)' is not hex")
            }
            let key: TokenKey
            do {
                key = try session.key(.id(id))
            } catch PKCS11Error.keyNotFound {
                let labelled = (try? session.hasObject(label: object.label)) ?? true
                let sameID = (try? session.hasObject(id: id)) ?? true
                if labelled || sameID {
                    return Entry(object: object, outcome: .refused, detail: "no key pair with CKA_ID \(object.ckaID) on \(on), but an object with its label or CKA_ID is there; left alone, check it with 'keyceremony tokens --login'")
                }
                return Entry(object: object, outcome: .absent, detail: "no object with label '\(object.label)' or CKA_ID \(object.ckaID) on \(on): already gone")
            } catch {
                return Entry(object: object, outcome: .refused, detail: "\(error)")
            }
            guard key.label == object.label else {
                return Entry(object: object, outcome: .refused, detail: "the key with CKA_ID \(object.ckaID) on \(on) is labelled '\(key.label)', not '\(object.label)'; left alone")
            }
            guard let recorded = try? PublicKeyMaterial(pem: object.spkiPEM), recorded.spki == key.subjectPublicKeyInfo else {
                return Entry(object: object, outcome: .refused, detail: "the public key of CKA_ID \(object.ckaID) on \(on) is not the one the transcript records; left alone")
            }
            do {
                try session.destroy(key)
            } catch {
                return Entry(object: object, outcome: .refused, detail: "the token would not delete it: \(error)")
            }
            if (try? session.hasObject(id: id)) != false {
                return Entry(object: object, outcome: .refused, detail: "an object with CKA_ID \(object.ckaID) is still on \(on) after deleting")
            }
            return Entry(object: object, outcome: .deleted, detail: "read back by CKA_ID; label and public key matched the transcript; private and public key deleted")
        }
    }

    /// Writes `cleanup-<stamp>.json` in `folder`, never over an existing file.
    private static func write(_ report: Report, in folder: URL, stamp: String) throws(Failure) -> URL {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(report) } catch { throw Failure(reason: "the cleanup record could not be encoded: \(error)") }
        for attempt in 1...100 {
            let url = folder.appendingPathComponent("cleanup-\(stamp)" + (attempt == 1 ? "" : "-\(attempt)") + ".json")
            do {
                try SafeFile.create(url, contents: data)
                return url
            } catch {
                if error.code == EEXIST { continue }
                throw Failure(reason: "the cleanup record could not be written in \(folder.path): \(error)")
            }
        }
        throw Failure(reason: "too many cleanup records in \(folder.path)")
    }
}
