#!/usr/bin/env python3
"""Writes the release's SBOM as CycloneDX 1.5 JSON on standard output (scripts/release.sh runs it).

usage: sbom.py --resolved Package.resolved --commit HASH --commit-date ISO8601
               --swift-version TEXT --dist DIR PRODUCT...

Lists, for the executables in DIR:
  - each executable, with its SHA-256 and the shared libraries it needs (ELF NEEDED, read with readelf);
  - every Swift package SwiftPM resolved (Package.resolved), with its version, its purl
    (pkg:swift/github.com/OWNER/NAME@VERSION) and the revision resolved;
  - the Swift toolchain's runtime libraries linked statically (--static-swift-stdlib);
  - the GCC runtime linked statically (libstdc++, libgcc), and glibc's start files;
  - each system library linked dynamically, as the Debian package that holds it (dpkg -S).
Nothing here depends on the time of the build: the timestamp is the commit's date and the serial
number is derived from the commit, so the same build on the same system gives the same file.
"""
import argparse
import hashlib
import json
import subprocess
import sys
import uuid


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


def deb_version(package):
    return run("dpkg-query", "-W", "-f=${Version}", package).strip() or None


def deb_purl(package, version):
    arch = run("dpkg-query", "-W", "-f=${Architecture}", package).strip() or "amd64"
    return f"pkg:deb/debian/{package.split(':')[0]}@{version}?arch={arch}"


def needed(path):
    libraries = []
    for line in run("readelf", "-dW", path).splitlines():
        if "(NEEDED)" in line and "[" in line:
            libraries.append(line.split("[", 1)[1].rstrip("]"))
    return sorted(libraries)


def library_package(library):
    """The Debian package holding a shared library's file on this system, and its version."""
    for line in run("ldconfig", "-p").splitlines():
        name, _, path = line.strip().partition(" => ")
        if name.split(" ")[0] == library and "x86-64" in name:
            owner = run("dpkg", "-S", path).split(":")[0].strip()
            if not owner:  # /lib is a symlink to /usr/lib on Debian 12 (merged /usr)
                owner = run("dpkg", "-S", "/usr" + path).split(":")[0].strip()
            if owner:
                return owner, deb_version(owner)
    return None, None


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resolved", required=True)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--commit-date", required=True)
    parser.add_argument("--swift-version", required=True)
    parser.add_argument("--dist", required=True)
    parser.add_argument("products", nargs="+")
    args = parser.parse_args()

    version_line = run(f"{args.dist}/keyceremony", "--version").strip()
    version = version_line.split(" ")[1] if version_line.startswith("keyceremony ") else "unknown"
    swift = args.swift_version.split("(swift-")[-1].split("-RELEASE")[0] if "(swift-" in args.swift_version else args.swift_version

    components = []
    static_refs = []

    # Swift packages, as resolved.
    pins = sorted(json.load(open(args.resolved))["pins"], key=lambda pin: pin["identity"])
    for pin in pins:
        location = pin["location"].removesuffix(".git")
        host_path = location.split("://", 1)[-1]
        pin_version = pin["state"].get("version") or pin["state"].get("revision")
        ref = f"pkg:swift/{host_path}@{pin_version}"
        components.append({
            "type": "library", "bom-ref": ref, "name": pin["identity"], "version": pin_version,
            "group": host_path.rsplit("/", 1)[0], "purl": ref,
            "externalReferences": [{"type": "vcs", "url": location}],
            "properties": [
                {"name": "swiftpm:revision", "value": pin["state"].get("revision", "")},
                {"name": "keyceremony:linkage", "value": "static"},
            ],
        })
        static_refs.append(ref)
    vendored = {"swift-crypto": "BoringSSL (vendored C code, CCryptoBoringSSL)", "Yams": "libyaml (vendored C code, CYaml)",
                "yams": "libyaml (vendored C code, CYaml)"}
    for component in components:
        if component["name"] in vendored:
            component["properties"].append({"name": "keyceremony:contains", "value": vendored[component["name"]]})

    # The Swift runtime, linked statically from the toolchain.
    for name, what in [("swift-stdlib", "Swift standard library and runtime (swiftCore, _Concurrency, _StringProcessing, Synchronization, Glibc)"),
                       ("swift-corelibs-foundation", "Foundation"),
                       ("swift-foundation", "FoundationEssentials, FoundationInternationalization"),
                       ("swift-foundation-icu", "_FoundationICU (ICU with its data)"),
                       ("swift-corelibs-libdispatch", "Dispatch, BlocksRuntime")]:
        ref = f"swift-toolchain:{name}@{swift}"
        components.append({"type": "library", "bom-ref": ref, "name": name, "version": swift, "group": "swiftlang",
                           "description": what, "properties": [{"name": "keyceremony:linkage", "value": "static"},
                                                                {"name": "keyceremony:toolchain", "value": args.swift_version}]})
        static_refs.append(ref)

    # The GCC runtime and glibc's start files, linked statically from Debian's packages.
    for package, what in [("libstdc++-12-dev", "libstdc++.a (the C++ standard library Foundation's ICU and the runtime need)"),
                          ("libgcc-12-dev", "libgcc.a, libgcc_eh.a, crtbeginS.o, crtendS.o"),
                          ("libc6-dev", "Scrt1.o, crti.o, crtn.o, libc_nonshared.a")]:
        package_version = deb_version(package)
        if package_version is None:
            continue
        ref = deb_purl(package, package_version)
        components.append({"type": "library", "bom-ref": ref, "name": package, "version": package_version, "purl": ref,
                           "description": what, "properties": [{"name": "keyceremony:linkage", "value": "static"}]})
        static_refs.append(ref)

    # The executables, and the system libraries each needs at run time.
    dependencies = []
    dynamic = {}
    for product in args.products:
        path = f"{args.dist}/{product}"
        libraries = needed(path)
        refs = list(static_refs)
        for library in libraries:
            package, package_version = library_package(library)
            if package is None:
                ref = f"system-library:{library}"
                dynamic.setdefault(ref, {"type": "library", "bom-ref": ref, "name": library, "properties": []})
            else:
                ref = deb_purl(package, package_version)
                dynamic.setdefault(ref, {"type": "library", "bom-ref": ref, "name": package, "version": package_version,
                                         "purl": ref, "properties": []})
            entry = dynamic[ref]
            if {"name": "keyceremony:linkage", "value": "dynamic"} not in entry["properties"]:
                entry["properties"].append({"name": "keyceremony:linkage", "value": "dynamic"})
            entry["properties"].append({"name": "keyceremony:needed-by", "value": f"{product}: {library}"})
            if ref not in refs:
                refs.append(ref)
        ref = f"keyceremony-release:{product}@{version}"
        components.insert(len([c for c in components if c["type"] == "application"]), {
            "type": "application", "bom-ref": ref, "name": product, "version": version,
            "hashes": [{"alg": "SHA-256", "content": sha256(path)}],
            "properties": [{"name": "keyceremony:commit", "value": args.commit},
                           {"name": "keyceremony:needed", "value": " ".join(libraries)}],
        })
        dependencies.append({"ref": ref, "dependsOn": refs})
    components.extend(dynamic[key] for key in sorted(dynamic))

    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'keyceremony-release:' + args.commit)}",
        "version": 1,
        "metadata": {
            "timestamp": args.commit_date,
            "tools": {"components": [{"type": "application", "name": "scripts/release/sbom.py", "version": version}]},
            "component": {"type": "application", "bom-ref": f"keyceremony-release@{version}", "name": "keyceremony",
                          "version": version, "description": f"{version_line}; commit {args.commit}"},
        },
        "components": components,
        "dependencies": dependencies,
    }
    json.dump(bom, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
