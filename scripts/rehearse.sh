#!/usr/bin/env bash
# The main job: a full rehearsal of a root's lifecycle on SoftHSM2 tokens: 01-root-generation (the
# targets key offline on its own token; Alice's root key backed up under SLIP-39 shares and drilled),
# 02-targets-delegation (targets.json delegating the release role to a rehearsal release key in
# OUT_DIR/online/), 03-root-rotation, 04-root-resign and 05-recovery (Alice's key restored from the
# shares onto a fresh token, which signs the next root).
# Installs what is missing, builds KeyCeremony, then runs `keyceremony rehearse`, which makes
# tokens, online keys and the plans under OUT_DIR, runs each plan unattended and verifies each result.
#
# usage: scripts/rehearse.sh [OUT_DIR] [extra keyceremony rehearse options, e.g. --dialect tuf]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "[rehearse] building keyceremony (release)"
swift build -c release --product keyceremony
BIN="$(swift build -c release --show-bin-path)/keyceremony"
OUT="${1:-rehearsal-$(date -u +%Y%m%dT%H%M%SZ)}"
shift || true
echo "[rehearse] running: keyceremony rehearse --out $OUT $*"
exec "$BIN" rehearse --out "$OUT" "$@"
