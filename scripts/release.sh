#!/usr/bin/env bash
# The release build: `keyceremony` (the executable carried into the ceremony room) and
# `keyceremony-online` (publish, notary-keys), each a static executable with the Swift runtime,
# Foundation and libstdc++ inside, built twice from a clean `git archive` of one commit in two
# different folders, and refused unless both builds are byte for byte the same.
#
# usage: scripts/release.sh [--check] [--out DIR] [--commit REV]
#   (default)     build twice, compare, and write DIR (default dist/): keyceremony,
#                 keyceremony-online, SHA256SUMS, BUILDINFO and SBOM.cdx.json (CycloneDX 1.5)
#   --check       build twice and compare only; write nothing (CI runs this)
#   --commit REV  build REV instead of HEAD (to rebuild a published release and compare)
#
# Why each flag is there (docs/release.md has the measurements):
#   --static-swift-stdlib, -static-libgcc, libstdc++.a    nothing beyond glibc is needed at run time
#   --disable-local-rpath                  no RUNPATH $ORIGIN: a libc.so.6 put beside the executable
#                                          on the carrying medium is never loaded
#   -D KEYCEREMONY_RELEASE_BUILD           `--version` says "reproducible release build"
#   -file-prefix-map, -ffile-prefix-map    the build folder's path never reaches the binary
#   -enable-upcoming-feature ConciseMagicFile   #file in Swift 5 packages is Module/File.swift,
#                                          not the checkout's absolute path
#   -gnone, -g0                            no debug info (it names module-cache folders whose names
#                                          hash the build path)
#   -disable-incremental-llvm-codegen      no .swift_modhash section (a hash of each object's IR,
#                                          which holds the source path)
# The linker (gold) writes a build ID hashed from the output's contents, so it is reproducible too.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf '[release] %s\n' "$*"; }
die() { printf '[release] error: %s\n' "$*" >&2; exit 1; }

CHECK_ONLY=0
OUT=dist
REV=HEAD
while (($#)); do
    case $1 in
        --check) CHECK_ONLY=1 ;;
        --out) OUT=${2:?--out needs a folder}; shift ;;
        --commit) REV=${2:?--commit needs a revision}; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "usage: scripts/release.sh [--check] [--out DIR] [--commit REV]" >&2; exit 2 ;;
    esac
    shift
done

for tool in git swift readelf nm sha256sum python3 dpkg-query; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh installs what a release needs)"
done
[[ -e /usr/lib/x86_64-linux-gnu/libcurl.so ]] || die "libcurl4-openssl-dev is missing: keyceremony-online links libcurl (scripts/setup.sh installs it)"
COMMIT=$(git rev-parse --verify "$REV^{commit}") || die "$REV is not a commit"
if [[ $REV == HEAD ]] && [[ -n $(git status --porcelain --untracked-files=no) ]]; then
    say "note: the working tree has uncommitted changes; they are not in the release, which is built from commit $COMMIT alone"
fi

PRODUCTS=(keyceremony keyceremony-online)
# The virtual path every build's source folder is mapped to.
SOURCE_PATH=/usr/src/keyceremony
# The C/C++ runtime parts that are linked statically (from GCC 12, Debian's libstdc++-12-dev).
LIBSTDCXX=$(g++ -print-file-name=libstdc++.a 2>/dev/null || true)
[[ -f $LIBSTDCXX ]] || die "libstdc++.a is missing (Debian's libstdc++-12-dev)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keyceremony-release.XXXXXX")
# SwiftPM also leaves lock files named after each build folder in the temporary folder.
cleanup() { rm -rf "$WORK" "${TMPDIR:-/tmp}/$(tr / _ <<<"$WORK")"_*; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# A folder holding only libstdc++.a, searched before GCC's own (where libstdc++.so also lives),
# so that the Swift runtime's `-lstdc++` links the archive.
mkdir -p "$WORK/static-libs"
ln -s "$LIBSTDCXX" "$WORK/static-libs/libstdc++.a"

# The flags, with SOURCE standing for the build's source folder (as BUILDINFO records them).
FLAGS_TEMPLATE=(
    -c release --static-swift-stdlib --disable-local-rpath
    -Xswiftc -DKEYCEREMONY_RELEASE_BUILD
    -Xswiftc -enable-upcoming-feature -Xswiftc ConciseMagicFile
    -Xswiftc -gnone -Xcc -g0
    -Xswiftc -Xfrontend -Xswiftc -disable-incremental-llvm-codegen
    -Xswiftc -file-prefix-map -Xswiftc "SOURCE=$SOURCE_PATH"
    -Xcc "-ffile-prefix-map=SOURCE=$SOURCE_PATH"
    -Xswiftc -Xclang-linker -Xswiftc -static-libgcc
    -Xswiftc -L -Xswiftc STATIC_LIBS
)

# build NAME: exports COMMIT into $WORK/NAME/src (a different path length each time) and builds it.
build() {
    local name=$1 src="$WORK/$1/src-$RANDOM$RANDOM"
    mkdir -p "$src"
    git archive --format=tar "$COMMIT" | tar -x -C "$src"
    # Both builds use the same package versions: the first resolves, the second is pinned to it.
    if [[ -f $WORK/Package.resolved ]]; then cp "$WORK/Package.resolved" "$src/Package.resolved"; fi
    local flags=("${FLAGS_TEMPLATE[@]//SOURCE/$src}")
    flags=("${flags[@]//STATIC_LIBS/$WORK/static-libs}")
    local start=$SECONDS
    say "build $name: swift build in $src"
    (cd "$src" && swift build "${flags[@]}" >"$WORK/$name.log" 2>&1) || { tail -40 "$WORK/$name.log" >&2; die "build $name failed"; }
    [[ -f $WORK/Package.resolved ]] || cp "$src/Package.resolved" "$WORK/Package.resolved"
    local bin
    bin=$(cd "$src" && swift build "${flags[@]}" --show-bin-path)
    mkdir -p "$WORK/$name/out"
    for product in "${PRODUCTS[@]}"; do cp "$bin/$product" "$WORK/$name/out/$product"; done
    say "build $name: $((SECONDS - start)) s"
    echo "$src" >"$WORK/$name/source-path"
}

# explain A B: where two executables differ (section, offset, the strings around), for a human.
explain() {
    python3 - "$1" "$2" <<'PY'
import re, subprocess, sys
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
print(f"  sizes: {len(a)} and {len(b)} bytes")
sections = []
for line in subprocess.run(["readelf", "-SW", sys.argv[1]], capture_output=True, text=True).stdout.splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
    if m: sections.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16)))
counts, first = {}, {}
for i in range(min(len(a), len(b))):
    if a[i] != b[i]:
        name = next((s for s, off, size in sections if off <= i < off + size), "(headers)")
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, i)
for name, n in counts.items():
    i = first[name]
    print(f"  {name}: {n} bytes differ, first at {i:#x}: {a[max(0, i - 24):i + 24]!r}")
PY
}

# checks BINARY ALLOWED_NEEDED...: only the given shared libraries, no network code unless allowed,
# no build path.
check_binary() {
    local binary=$1 allow_network=$2; shift 2
    local needed
    needed=$(readelf -dW "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
    for lib in $needed; do
        local ok=0
        for allowed in "$@"; do [[ $lib == "$allowed" ]] && ok=1; done
        ((ok)) || die "$(basename "$binary") needs $lib; only ${*} may be needed"
    done
    if readelf -dW "$binary" | grep -Eq '\((RPATH|RUNPATH)\)'; then die "$(basename "$binary") has an RPATH/RUNPATH"; fi
    if ((!allow_network)); then
        if nm "$binary" 2>/dev/null | grep -Eq 'FoundationNetworking|curl_easy|curl_multi'; then
            die "$(basename "$binary") links network code (FoundationNetworking or libcurl symbols)"
        fi
    fi
    if grep -aq -e "$WORK" "$binary"; then die "$(basename "$binary") holds the build folder's path"; fi
}

TOTAL_START=$SECONDS
build first
build second
say "comparing the two builds (sources in $(cat "$WORK/first/source-path") and $(cat "$WORK/second/source-path"))"
reproducible=1
for product in "${PRODUCTS[@]}"; do
    a="$WORK/first/out/$product" b="$WORK/second/out/$product"
    if cmp -s "$a" "$b"; then
        say "$product: identical, $(stat -c %s "$a") bytes, SHA-256 $(sha256sum "$a" | cut -d' ' -f1)"
    else
        reproducible=0
        say "$product: THE TWO BUILDS DIFFER"
        explain "$a" "$b"
    fi
done
((reproducible)) || die "the build is not reproducible; nothing was released"

GLIBC_PARTS=(libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 ld-linux-x86-64.so.2)
check_binary "$WORK/first/out/keyceremony" 0 "${GLIBC_PARTS[@]}"
check_binary "$WORK/first/out/keyceremony-online" 1 "${GLIBC_PARTS[@]}" libcurl.so.4
say "keyceremony needs only glibc ($(readelf -dW "$WORK/first/out/keyceremony" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')) and holds no network code"

VERSION_LINE=$("$WORK/first/out/keyceremony" --version)
[[ $VERSION_LINE == *"commit $COMMIT, reproducible release build"* ]] || die "keyceremony --version says '$VERSION_LINE', not a release build of $COMMIT"
say "$VERSION_LINE"
say "both builds took $((SECONDS - TOTAL_START)) s"

if ((CHECK_ONLY)); then
    say "check passed: commit $COMMIT builds reproducibly; nothing written"
    exit 0
fi

# dist/: the executables, SHA256SUMS, BUILDINFO and the SBOM.
if [[ -e $OUT ]] && [[ -n $(ls -A "$OUT") ]]; then die "$OUT exists and is not empty; move it away first"; fi
mkdir -p "$OUT"
for product in "${PRODUCTS[@]}"; do install -m 0755 "$WORK/first/out/$product" "$OUT/$product"; done
(cd "$OUT" && sha256sum "${PRODUCTS[@]}" | sort -k2 >SHA256SUMS)

deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
SWIFT_VERSION=$(swift --version 2>&1 | head -1)
DEBIAN="$(. /etc/os-release && echo "$PRETTY_NAME"), /etc/debian_version $(cat /etc/debian_version)"
# "swift-argument-parser 1.8.2, swift-asn1 1.7.4, …" from Package.resolved.
PACKAGES=$(python3 - "$WORK/Package.resolved" <<'PY'
import json, sys
pins = sorted(json.load(open(sys.argv[1]))["pins"], key=lambda pin: pin["identity"])
print(", ".join(f"{pin['identity']} {pin['state'].get('version') or pin['state'].get('revision')}" for pin in pins))
PY
)
[[ -n $PACKAGES ]] || die "no packages read from Package.resolved"
printable_flags="swift build ${FLAGS_TEMPLATE[*]//STATIC_LIBS/DIR-WITH-ONLY-libstdc++.a}"
{
    echo "keyceremony release build"
    echo "version:      $VERSION_LINE"
    echo "commit:       $COMMIT ($(git show -s --format=%cI "$COMMIT"))"
    echo "swift:        $SWIFT_VERSION"
    echo "build system: $DEBIAN; gcc/libstdc++ $(deb_version libstdc++-12-dev), libc6-dev $(deb_version libc6-dev), binutils (ld.gold) $(deb_version binutils)"
    echo "build:        $printable_flags"
    echo "              (SOURCE is the folder git archive was extracted into; built twice, in two folders, byte-identical)"
    echo "packages:     $PACKAGES"
    for product in "${PRODUCTS[@]}"; do
        echo "needs:        $product: $(readelf -dW "$OUT/$product" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
    done
    echo
    echo "SHA-256 of keyceremony, to read aloud in the room (keyceremony digest keyceremony):"
    "$OUT/keyceremony" digest "$OUT/keyceremony" | sed -e "s#$OUT/##" -e 's/^/  /'
} >"$OUT/BUILDINFO"

python3 scripts/release/sbom.py --resolved "$WORK/Package.resolved" --commit "$COMMIT" \
    --commit-date "$(git show -s --format=%cI "$COMMIT")" --swift-version "$SWIFT_VERSION" \
    --dist "$OUT" "${PRODUCTS[@]}" >"$OUT/SBOM.cdx.json"

say "wrote $OUT/: $(cd "$OUT" && ls | tr '\n' ' ')"
cat "$OUT/SHA256SUMS"
