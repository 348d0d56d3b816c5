import Foundation

/// Real rehearsal bundles, made once per test process and dialect by running `keyceremony
/// rehearse` (tokens, plans, four ceremonies), and copied for each test that changes one.
///
/// `DIR/01-root-generation` (with backup/ and shares/), `DIR/02-targets-delegation`, `DIR/03-root-rotation`,
/// `DIR/04-root-resign`, `DIR/05-recovery`, plus `DIR/plans/`, `DIR/online/` and `DIR/softhsm/`, as ``Rehearsal`` lays them out.
public enum RehearsalBundles {
    public static let stages = ["01-root-generation", "02-targets-delegation", "03-root-rotation", "04-root-resign", "05-recovery"]

    /// The rehearsal directory for `dialect` ("notary" or "tuf"); never change files in it.
    public static func directory(_ dialect: String) throws -> URL {
        try (dialect == "tuf" ? tuf : notary).get()
    }

    private static let notary = Result { try make("notary") }
    private static let tuf = Result { try make("tuf") }

    private static func make(_ dialect: String) throws -> URL {
        let scratch = try TemporaryDirectory("rehearsal-\(dialect)")
        let out = scratch.url.appendingPathComponent("r")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out.path, "--dialect", dialect],
                                        environment: ["SOFTHSM2_CONF": nil])
        guard run.status == 0 else { throw TestSupportError("keyceremony rehearse --dialect \(dialect) failed: \(run.output)") }
        return out
    }

    /// A private copy of one stage's output directory (and the plans and online keys beside it,
    /// so relative paths in the plan still resolve), to change and check.
    public static func copy(_ dialect: String, stage: String, into scratch: TemporaryDirectory) throws -> URL {
        let source = try directory(dialect)
        let target = scratch.url.appendingPathComponent("r")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in ["plans", "online"] + stages {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
        return target.appendingPathComponent(stage)
    }
}
