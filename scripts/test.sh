#!/usr/bin/env bash
# Runs every KeyCeremony test on a fresh Debian 12 machine with Swift 6.3:
# installs what is missing (scripts/setup.sh), builds, and runs the whole suite
# (SoftHSM2 tokens, openssl, pkcs11-tool, python-tuf, notary-server and the notary client).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "[test] building (debug)"
swift build --build-tests
echo "[test] running all tests"
exec swift test --skip-build
