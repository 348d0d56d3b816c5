import Testing
@testable import TrustMetadata

@Suite struct CanonicalJSONTests {
    @Test func sortsKeys() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,false,null],"A":"x"}"#)
        #expect(String(decoding: try CanonicalJSONEncoder.encode(value), as: UTF8.self) == #"{"A":"x","a":[true,false,null],"b":1}"#)
    }
}
