/// PKCS#11 returns labels, serials and the like as fixed-size, blank-padded byte tuples.
enum FixedText {
    static func string<T>(from tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            var bytes = Array(raw)
            while let last = bytes.last, last == 0x20 || last == 0 { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A blank-padded 32-byte label, as `C_InitToken` wants it.
    static func paddedLabel(_ label: String) -> [UInt8] {
        var bytes = Array(label.utf8.prefix(32))
        bytes += [UInt8](repeating: 0x20, count: 32 - bytes.count)
        return bytes
    }
}
