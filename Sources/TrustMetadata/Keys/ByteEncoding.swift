import Crypto
import Foundation

/// Hex and base64 helpers; metadata carries binary values in both. Public for the ceremony
/// layer, which writes digests and key IDs the same way (the token layer, which cannot depend
/// on this module, keeps its own encoder).
public enum ByteEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// SHA-256 of `data`, in lower-case hex.
    public static func sha256Hex<D: DataProtocol>(_ data: D) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Lower-case hex, as TUF writes signatures and key IDs.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); `nil` for odd length or a non-hex character.
    public static func decodeHex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Whether the text is non-empty lower-case or upper-case hex.
    static func isHex(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isHex($0) }
    }

    /// Whether the bytes are non-empty lower-case or upper-case hex digits.
    static func isHex(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        // Branch-free, so it runs as wide as the machine allows: a digit, or a letter a–f in
        // either case (0x20 folds upper case onto lower).
        var invalid: UInt8 = 0
        for byte in bytes {
            invalid |= (byte &- 48 >= 10 ? 1 : 0) & ((byte | 0x20) &- 97 >= 6 ? 1 : 0)
        }
        return invalid == 0
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { Array($0) }
    }
}
