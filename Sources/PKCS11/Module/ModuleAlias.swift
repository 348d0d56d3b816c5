/// Short names for the PKCS#11 modules a ceremony room is likely to use.
///
/// Plans name a module by alias so that the same reviewed plan works on machines where the
/// library lives under a different multiarch directory.
public enum ModuleAlias {
    /// Alias → path, as Debian 12 installs them.
    public static let known: [String: String] = [
        "softhsm": "/usr/lib/softhsm/libsofthsm2.so",
        "softhsm2": "/usr/lib/softhsm/libsofthsm2.so",
        "p11-kit-proxy": "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
        "opensc": "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    ]

    /// The path for an alias, or the argument itself when it is already a path.
    public static func resolve(_ pathOrAlias: String) -> String {
        known[pathOrAlias.lowercased()] ?? pathOrAlias
    }
}
