import Ceremony
import Testing

@Suite("KeyCeremonyVersion: the commit git archive writes, and the build kind")
struct KeyCeremonyVersionTests {
    @Test("only 40 lower-case hex digits are a commit; the unreplaced placeholder and anything else are not")
    func commit() {
        let hash = "0123456789abcdef0123456789abcdef01234567"
        #expect(KeyCeremonyVersion.commit(fromPlaceholder: hash) == hash)
        for text in ["$" + "Format:%H$", "", String(hash.dropLast()), hash + "8", hash.uppercased(), "g" + hash.dropFirst()] {
            #expect(KeyCeremonyVersion.commit(fromPlaceholder: text) == nil, "\(text)")
        }
    }

    @Test("a test build is a development build, and says so")
    func developmentBuild() {
        #expect(KeyCeremonyVersion.build == .development)
        #expect(KeyCeremonyVersion.summary.hasSuffix(", development build)"))
        #expect(KeyCeremonyVersion.Build.release.words == "reproducible release build")
    }
}
