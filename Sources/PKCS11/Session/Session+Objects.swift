import CPKCS11

extension Session {
    /// Handles of every object matching `template` that this session can see.
    func findObjects(_ template: AttributeTemplate) throws(PKCS11Error) -> [CK_OBJECT_HANDLE] {
        try serialized { () throws(PKCS11Error) -> [CK_OBJECT_HANDLE] in
            let rv = template.withPointer { pointer, count in PKCS11CallTimes.measure("C_FindObjectsInit") { functions.C_FindObjectsInit!(handle, pointer, count) } }
            try check("C_FindObjectsInit", rv)
            defer { _ = PKCS11CallTimes.measure("C_FindObjectsFinal") { functions.C_FindObjectsFinal!(handle) } }
            var found: [CK_OBJECT_HANDLE] = []
            var batch = [CK_OBJECT_HANDLE](repeating: 0, count: 64)
            while true {
                var count: CK_ULONG = 0
                try check("C_FindObjects", PKCS11CallTimes.measure("C_FindObjects") { functions.C_FindObjects!(handle, &batch, CK_ULONG(batch.count), &count) })
                if count == 0 { break }
                found.append(contentsOf: batch.prefix(Int(count)))
            }
            return found
        }
    }

    /// One attribute's bytes, or `nil` when the object has no such attribute or keeps it secret.
    func attribute(_ type: UInt, of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> [UInt8]? {
        try serialized { () throws(PKCS11Error) -> [UInt8]? in
            var query = CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: nil, ulValueLen: 0)
            var rv = PKCS11CallTimes.measure("C_GetAttributeValue") { functions.C_GetAttributeValue!(handle, object, &query, 1) }
            if rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID { return nil }
            try check("C_GetAttributeValue", rv)
            if query.ulValueLen == KC_CK_UNAVAILABLE_INFORMATION { return nil }
            var value = [UInt8](repeating: 0, count: Int(query.ulValueLen))
            rv = value.withUnsafeMutableBytes { buffer in
                query.pValue = buffer.baseAddress
                return PKCS11CallTimes.measure("C_GetAttributeValue") { functions.C_GetAttributeValue!(handle, object, &query, 1) }
            }
            if rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID { return nil }
            try check("C_GetAttributeValue", rv)
            return Array(value.prefix(Int(query.ulValueLen)))
        }
    }

    func boolAttribute(_ type: UInt, of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> Bool? {
        try attribute(type, of: object).map { $0.first.map { $0 != 0 } ?? false }
    }

    func ulongAttribute(_ type: UInt, of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> UInt? {
        guard let bytes = try attribute(type, of: object), bytes.count == MemoryLayout<CK_ULONG>.size else { return nil }
        return UInt(bytes.withUnsafeBytes { $0.loadUnaligned(as: CK_ULONG.self) })
    }

    /// Whether any object on the token already carries this label or this ID.
    func objectExists(label: String? = nil, id: [UInt8]? = nil) throws(PKCS11Error) -> Bool {
        let template = AttributeTemplate()
        if let label { template.add(UInt(CKA_LABEL), string: label) }
        if let id { template.add(UInt(CKA_ID), bytes: id) }
        return try !findObjects(template).isEmpty
    }

    func destroy(_ object: CK_OBJECT_HANDLE) throws(PKCS11Error) {
        let rv = serialized { PKCS11CallTimes.measure("C_DestroyObject") { functions.C_DestroyObject!(handle, object) } }
        try check("C_DestroyObject", rv)
    }
}

extension Session {
    /// Whether any object this session can see carries `label` (`CKA_LABEL`, compared as bytes).
    ///
    /// Before login only public objects are visible; a generated key pair always has a public
    /// half with the same label, so a leftover pair is seen either way.
    public func hasObject(label: String) throws(PKCS11Error) -> Bool {
        try objectExists(label: label)
    }

    /// Whether any object this session can see carries `id` as its `CKA_ID`.
    public func hasObject(id: [UInt8]) throws(PKCS11Error) -> Bool {
        try objectExists(id: id)
    }

    /// Destroys both halves of `key` (found through this session). A half already gone is not an error.
    ///
    /// - Throws: ``PKCS11Error`` when the token refuses to destroy an object.
    public func destroy(_ key: TokenKey) throws(PKCS11Error) {
        try destroy(key.privateHandle)
        if let publicHandle = key.publicHandle { try destroy(publicHandle) }
    }
}
