// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "KeyCeremony",
    platforms: [.macOS(.v14)],
    products: [
        // The ceremony room's binary: links no network code (no FoundationNetworking, no libcurl).
        .executable(name: "keyceremony", targets: ["keyceremony"]),
        // The online side's binary: `publish` and `notary-keys`, the only commands that talk HTTP.
        .executable(name: "keyceremony-online", targets: ["keyceremony-online"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The PKCS#11 2.40 C API (p11-kit's pkcs11.h) plus a dlopen shim; no module is linked.
        .target(name: "CPKCS11", linkerSettings: [.linkedLibrary("dl")]),
        // Safe Swift token layer: nothing above it touches raw pointers.
        // Process-wide counts and durations of named operations (token calls, KDF rounds, flushes).
        .target(name: "OperationTiming"),
        .target(
            name: "PKCS11",
            dependencies: [
                "CPKCS11", "OperationTiming",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // TUF 1.0 and Notary v1 metadata: models, canonical JSON, verification.
        .target(
            name: "TrustMetadata",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // Plans, engine, transcript and bundle.
        .target(
            name: "Ceremony",
            dependencies: [
                "PKCS11", "TrustMetadata", "SLIP39", "OperationTiming",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // SLIP-0039 Shamir shares: splitting, combining and mnemonic words; no token or ceremony code.
        .target(
            name: "SLIP39",
            dependencies: [
                "OperationTiming",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The only network client (notary-server's API) and bundle publishing, kept out of the
        // ceremony library that runs in the air-gapped room.
        // Used only by `keyceremony-online`.
        .target(name: "Publishing", dependencies: ["Ceremony", "TrustMetadata"]),
        // What both executables share: exit codes and errors in words, output helpers.
        .target(
            name: "CommandSupport",
            dependencies: [
                "PKCS11", "Ceremony",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The air-gapped room's executable. It must never depend on Publishing (the release
        // script checks that the binary links no FoundationNetworking or libcurl).
        .executableTarget(
            name: "keyceremony",
            dependencies: [
                "PKCS11", "TrustMetadata", "Ceremony", "CommandSupport", "SLIP39",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The online side: publishing bundles and fetching a notary-server's online keys.
        .executableTarget(
            name: "keyceremony-online",
            dependencies: [
                "TrustMetadata", "Ceremony", "Publishing", "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PKCS11Tests", dependencies: ["PKCS11", "TestSupport"]),
        .testTarget(name: "TrustMetadataTests", dependencies: ["TrustMetadata", "PKCS11", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "SLIP39Tests", dependencies: ["SLIP39", "TestSupport"]),
        .testTarget(name: "CeremonyTests", dependencies: ["Ceremony", "TestSupport"]),
        // Runs the built `keyceremony` executable as a process, each test with its own SoftHSM2.
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Ceremony", "TrustMetadata", .product(name: "Crypto", package: "swift-crypto")]),
        // Shared helpers for tests: temporary SoftHSM2 homes, running processes.
        .target(name: "TestSupport", dependencies: ["PKCS11", "TrustMetadata", "Ceremony"], path: "Tests/TestSupport"),
    ]
)
