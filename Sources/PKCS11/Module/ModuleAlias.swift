import Foundation

/// Short names for the PKCS#11 modules a ceremony room is likely to use.
///
/// Plans name a module by alias so that the same reviewed plan works on machines where the
/// library lives under a different multiarch directory.
public enum ModuleAlias {
    /// Alias → where Debian, Ubuntu and Fedora install the module, most likely first.
    public static let candidates: [String: [String]] = [
        "softhsm": ["/usr/lib/softhsm/libsofthsm2.so",
                    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
                    "/usr/lib64/pkcs11/libsofthsm2.so",
                    "/usr/local/lib/softhsm/libsofthsm2.so"],
        "p11-kit-proxy": ["/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
                          "/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
                          "/usr/lib64/p11-kit-proxy.so",
                          "/usr/lib/p11-kit-proxy.so"],
        "opensc": ["/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
                   "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
                   "/usr/lib64/opensc-pkcs11.so"],
        "tpm2": ["/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so",
                 "/usr/lib/aarch64-linux-gnu/pkcs11/libtpm2_pkcs11.so",
                 "/usr/lib64/pkcs11/libtpm2_pkcs11.so"],
        "nss-softokn": ["/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
                        "/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
                        "/usr/lib64/libsoftokn3.so"],
    ]

    /// The installed module for an alias (or its first candidate if none is installed), or the
    /// argument itself when it is not an alias.
    public static func resolve(_ pathOrAlias: String) -> String {
        guard let paths = candidates[pathOrAlias.lowercased()] else { return pathOrAlias }
        return paths.first { FileManager.default.fileExists(atPath: $0) } ?? paths[0]
    }
}
