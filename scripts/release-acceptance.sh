#!/usr/bin/env bash
# Acceptance test of a release (issue 15): the static `keyceremony` from dist/ runs a full
# rehearsal on a clean Debian 12 that has no Swift toolchain, only SoftHSM2, and the audit of that
# rehearsal shows the executable's SHA-256 as dist/SHA256SUMS publishes it.
#
# usage: scripts/release-acceptance.sh [DIST_DIR] [--keep]     (as root; DIST_DIR defaults to dist/)
#   MIRROR=http://… picks the Debian mirror (default: the first deb.debian.org-style URI apt uses here)
#   --keep leaves the chroot in place (its path is printed) instead of deleting it
#
# It debootstraps Debian 12 (bookworm, minbase) into a new folder under /var/tmp, mounts /proc there
# (the transcript hashes /proc/self/exe), installs softhsm2 and nothing else, copies in keyceremony
# and SHA256SUMS, and inside the chroot: checks the digest with sha256sum -c, prints --version and
# ldd, runs `keyceremony rehearse` in both dialects, verifies and audits every stage with
# --tool-sha256, and compares the SHA-256 the audit shows with SHA256SUMS. On exit (also on
# failure or Ctrl-C) it unmounts /proc, stops nothing it did not start, and deletes the folder.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[acceptance] %s\n' "$*"; }
die() { printf '[acceptance] FAILED: %s\n' "$*" >&2; exit 1; }

DIST=dist
KEEP=0
for arg in "$@"; do
    case $arg in
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "usage: scripts/release-acceptance.sh [DIST_DIR] [--keep]" >&2; exit 2 ;;
        *) DIST=$arg ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "run as root: debootstrap, chroot and mount need it" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "debootstrap is missing (scripts/setup.sh installs it)" >&2; exit 2; }
[[ -x $DIST/keyceremony && -f $DIST/SHA256SUMS ]] || { echo "$DIST/keyceremony and $DIST/SHA256SUMS are missing: run scripts/release.sh first" >&2; exit 2; }
EXPECTED=$(awk '$2 == "keyceremony" { print $1 }' "$DIST/SHA256SUMS")
[[ ${#EXPECTED} -eq 64 ]] || die "$DIST/SHA256SUMS has no line for keyceremony"
if [[ -z ${MIRROR:-} ]]; then
    MIRROR=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | tr -d ' ' || true)
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi

WORK=$(mktemp -d /var/tmp/keyceremony-acceptance.XXXXXX)
ROOTFS=$WORK/bookworm
mounted=()
REHEARSE_TIME=()
cleanup() {
    local status=$?
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" || true; done
    if ((KEEP)); then
        say "kept the chroot at $ROOTFS (nothing is mounted in it)"
    elif ! grep -q " $WORK" /proc/mounts; then
        rm -rf "$WORK"
    else
        echo "[acceptance] something is still mounted under $WORK; not deleting it" >&2
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 chroot "$ROOTFS" "$@"; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$1" "$(now)"; }

say "debootstrap bookworm (minbase) from $MIRROR into $ROOTFS"
t=$(now)
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap"; }
DEBOOTSTRAP_TIME=$(elapsed "$t")
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
mount -t proc proc "$ROOTFS/proc"
mounted+=("$ROOTFS/proc")

say "installing softhsm2, and nothing else"
t=$(now)
in_root apt-get update -qq >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log" >&2; die "apt-get update in the chroot"; }
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends softhsm2 >>"$WORK/apt.log" 2>&1 \
    || { tail -20 "$WORK/apt.log" >&2; die "apt-get install softhsm2 in the chroot"; }
APT_TIME=$(elapsed "$t")
SYSTEM=$(in_root sh -c '. /etc/os-release; echo "$PRETTY_NAME, Debian $(cat /etc/debian_version)"')
PACKAGES=$(in_root dpkg-query -W -f='${Status}\n' | grep -c 'install ok installed')
ROOTFS_SIZE=$(du -sh --exclude=proc "$ROOTFS" | cut -f1)
if in_root sh -c 'command -v swift swiftc; ls /usr/lib/swift /usr/share/swift; ldconfig -p | grep -i -e swift -e Foundation -e dispatch' 2>/dev/null | grep -q .; then
    die "the chroot has a Swift toolchain or runtime; the test needs a machine without one"
fi
say "$SYSTEM: $PACKAGES packages, $ROOTFS_SIZE; no swift, no Swift runtime libraries"

mkdir -p "$ROOTFS/opt/keyceremony"
cp "$DIST/keyceremony" "$DIST/SHA256SUMS" "$ROOTFS/opt/keyceremony/"
say "in the chroot: sha256sum -c, --version, ldd, digest"
in_root sh -c 'cd /opt/keyceremony && sha256sum -c --ignore-missing SHA256SUMS' || die "sha256sum -c in the chroot"
in_root /opt/keyceremony/keyceremony --version
in_root ldd /opt/keyceremony/keyceremony
in_root /opt/keyceremony/keyceremony digest /opt/keyceremony/keyceremony

for dialect in notary tuf; do
    out=/root/rehearsal-$dialect
    say "in the chroot: keyceremony rehearse --out $out --dialect $dialect"
    t=$(now)
    in_root /opt/keyceremony/keyceremony rehearse --out "$out" --dialect "$dialect" >"$WORK/rehearse-$dialect.log" 2>&1 \
        || { tail -40 "$WORK/rehearse-$dialect.log" >&2; die "rehearse --dialect $dialect"; }
    REHEARSE_TIME+=("$dialect $(elapsed "$t")")
    grep -E "^  [0-9]{2}-|Verification:" "$WORK/rehearse-$dialect.log" || true
    stages=$(cd "$ROOTFS$out" && ls -d [0-9][0-9]-*/ | tr -d /)
    [[ -n $stages ]] || die "rehearse --dialect $dialect made no stage folders"
    for stage in $stages; do
        in_root /opt/keyceremony/keyceremony verify "$out/$stage" >/dev/null || die "verify $dialect $stage"
        in_root /opt/keyceremony/keyceremony audit "$out/$stage" --tool-sha256 "$EXPECTED" >"$WORK/audit.txt" \
            || { cat "$WORK/audit.txt" >&2; die "audit $dialect $stage --tool-sha256 $EXPECTED"; }
        in_root /opt/keyceremony/keyceremony audit "$out/$stage" --json >"$WORK/audit.json" || true
        shown=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["tool"]["sha256"])' "$WORK/audit.json")
        build=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["tool"]["build"])' "$WORK/audit.json")
        [[ $shown == "$EXPECTED" ]] || die "audit of $dialect $stage shows SHA-256 $shown; SHA256SUMS says $EXPECTED"
        [[ $build == release ]] || die "audit of $dialect $stage shows a $build build"
        echo "  $dialect $stage: $(sed -n 1p "$WORK/audit.txt")"
        echo "    $(grep '^Tool:' "$WORK/audit.txt")"
    done
done

say "PASSED on $SYSTEM without Swift: rehearsals in both dialects; the audit of every stage shows SHA-256 $EXPECTED, as $DIST/SHA256SUMS"
say "measured: debootstrap $DEBOOTSTRAP_TIME, softhsm2 install $APT_TIME, rehearse ${REHEARSE_TIME[*]}; chroot $ROOTFS_SIZE with $PACKAGES packages; keyceremony $(stat -c %s "$DIST/keyceremony") bytes"
