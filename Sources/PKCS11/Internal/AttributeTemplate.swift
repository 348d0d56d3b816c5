import CPKCS11

/// An owned array of `CK_ATTRIBUTE`s whose value buffers live exactly as long as the template.
///
/// PKCS#11 calls take raw pointers to attribute values; building them in one place keeps every
/// other file free of pointer lifetimes.
final class AttributeTemplate {
    private(set) var attributes: [CK_ATTRIBUTE] = []
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    init() {}

    @discardableResult
    func add(_ type: UInt, bytes: [UInt8]) -> Self {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        buffer.copyBytes(from: bytes)
        buffers.append(buffer)
        attributes.append(CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: buffer.baseAddress, ulValueLen: CK_ULONG(bytes.count)))
        return self
    }

    /// Copies secret bytes straight from their owner into the template's buffer (zeroed on release).
    @discardableResult
    func add(_ type: UInt, secret: UnsafeBufferPointer<UInt8>) -> Self {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(secret.count, 1), alignment: 8)
        buffer.copyMemory(from: UnsafeRawBufferPointer(secret))
        buffers.append(buffer)
        attributes.append(CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: buffer.baseAddress, ulValueLen: CK_ULONG(secret.count)))
        return self
    }

    @discardableResult
    func add(_ type: UInt, bool: Bool) -> Self {
        add(type, bytes: [bool ? UInt8(CK_TRUE) : UInt8(CK_FALSE)])
    }

    @discardableResult
    func add(_ type: UInt, ulong: UInt) -> Self {
        let value = CK_ULONG(ulong)
        return add(type, bytes: withUnsafeBytes(of: value) { Array($0) })
    }

    @discardableResult
    func add(_ type: UInt, string: String) -> Self { add(type, bytes: Array(string.utf8)) }

    var count: CK_ULONG { CK_ULONG(attributes.count) }

    /// Lends the attribute array and its length for one call. The length is passed in, not read
    /// from the template, because the array is exclusively borrowed for the duration.
    func withPointer<R>(_ body: (UnsafeMutablePointer<CK_ATTRIBUTE>?, CK_ULONG) throws -> R) rethrows -> R {
        let count = self.count
        return try attributes.withUnsafeMutableBufferPointer { try body($0.baseAddress, count) }
    }

    deinit {
        for buffer in buffers {
            kc_secure_zero(buffer.baseAddress, UInt(buffer.count))
            buffer.deallocate()
        }
    }
}
