#!/usr/bin/env bash
# Installs everything KeyCeremony needs on a fresh Debian 12 machine, idempotently.
# Prints what it does; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# Besides SoftHSM2, the vendor matrix runs ceremonies on tpm2-pkcs11 over a software TPM (swtpm on
# 127.0.0.1, started and stopped by the tests) and on NSS's softokn (libnss3; certutil makes its
# databases).
# The release build (scripts/release.sh) links keyceremony-online's FoundationNetworking with
# libcurl (libcurl4-openssl-dev); its acceptance test (scripts/release-acceptance.sh) bootstraps
# a clean Debian 12 with debootstrap.
DEBIAN_PACKAGES=(softhsm2 libp11-kit-dev libssl-dev opensc openssl notary python3-venv
                 libtpm2-pkcs11-1 libtpm2-pkcs11-tools tpm2-tools swtpm swtpm-tools libtss2-tcti-swtpm0
                 libnss3 libnss3-tools chromium poppler-utils libcurl4-openssl-dev debootstrap)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        say "missing Debian packages: ${missing[*]}; run this script as root or install them"; exit 2
    fi
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    say "Debian packages present: ${DEBIAN_PACKAGES[*]}"
fi

# Interop peers for tests: python-tuf 7.0.1 and the SLIP-39 reference, in a private venv.
VENV=.venv
if [[ ! -x $VENV/bin/python ]] || ! $VENV/bin/python -c 'import tuf, shamir_mnemonic, cryptography, sys; sys.exit(0 if tuf.__version__ == "7.0.1" else 1)' 2>/dev/null; then
    PY=python3
    say "creating $VENV with tuf==7.0.1 (+ pyca/cryptography, which python-tuf needs to verify signatures) and shamir-mnemonic[cli]"
    $PY -m venv $VENV
    $VENV/bin/pip install -q --disable-pip-version-check 'tuf==7.0.1' 'securesystemslib[crypto]' 'shamir-mnemonic[cli]==0.3.0'
else
    say "$VENV has tuf 7.0.1 and shamir-mnemonic"
fi
