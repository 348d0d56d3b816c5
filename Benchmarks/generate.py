#!/usr/bin/env python3
"""Input generators for the KeyCeremony benchmarks (python-tuf 7.0.1 / securesystemslib 1.6).

Subcommands:
  chain N OUT [--algorithms mixed|p256] [--seed S]
      OUT/1.root.json … OUT/N.root.json: a TUF root chain. The root role has 3 to 5 keys;
      every 10 versions one key leaves and a new one joins, and the key count and
      threshold change. With "mixed" the keys cycle through ecdsa-sha2-nistp256, ed25519
      and rsassa-pss-sha256 (RSA 2048); with "p256" they are all P-256. With
      --signing threshold (the default, as ceremonies sign and as the issue's 300-version
      chain of 700 signatures was signed) each version carries exactly the signatures a
      client needs: its own threshold of its keys, and, at a rotation, enough keys of the
      previous version to meet that version's threshold (keys in both count for both).
      With --signing all every version is signed by all of its root keys and by every
      key of the previous version that left.
  targets T R OUT [--seed S]
      OUT/root.json and OUT/targets.json: one targets file listing T targets (path,
      length, sha256) and delegating to R roles (one ed25519 key each, paths
      "pkg/<role>/*"), signed by the root's targets key. No delegated role files are
      written: the work measured is reading, verifying and canonically encoding the one
      large file.

Files are written as python-tuf writes them (indent 1, sorted keys). Signatures cover
securesystemslib's encode_canonical of `signed`. Outputs depend only on the arguments
and the seed for everything but the key material, which is fresh per run.
"""
import argparse
import datetime
import hashlib
import json
import os
import random
import sys

from securesystemslib.formats import encode_canonical
from securesystemslib.signer import CryptoSigner

EXPIRES = "2036-01-01T00:00:00Z"
ALGORITHMS = {"mixed": ["ecdsa", "ed25519", "rsa"], "p256": ["ecdsa"]}


def new_signer(kind):
    if kind == "ecdsa":
        return CryptoSigner.generate_ecdsa()
    if kind == "ed25519":
        return CryptoSigner.generate_ed25519()
    return CryptoSigner.generate_rsa(scheme="rsassa-pss-sha256")


def sign(signed, signers):
    """The metadata dict with one signature per signer over the canonical `signed` bytes."""
    message = encode_canonical(signed).encode("utf-8")
    signatures = [signer.sign(message).to_dict() for signer in signers]
    return {"signatures": signatures, "signed": signed}


def write(document, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1, sort_keys=True, ensure_ascii=False)


def online_keys():
    return {role: CryptoSigner.generate_ed25519() for role in ("targets", "snapshot", "timestamp")}


def root_signed(version, root_signers, root_threshold, online):
    keys = {}
    for signer in list(root_signers) + list(online.values()):
        keys[signer.public_key.keyid] = signer.public_key.to_dict()
    roles = {"root": {"keyids": [s.public_key.keyid for s in root_signers], "threshold": root_threshold}}
    for role, signer in online.items():
        roles[role] = {"keyids": [signer.public_key.keyid], "threshold": 1}
    return {"_type": "root", "consistent_snapshot": True, "expires": EXPIRES, "keys": keys,
            "roles": roles, "spec_version": "1.0.31", "version": version}


def chain_signers(signers, threshold, previous, previous_threshold, signing):
    """The keys that sign one version: all, or just enough for both thresholds."""
    own = {s.public_key.keyid for s in signers}
    if signing == "all":
        return signers + [s for s in previous if s.public_key.keyid not in own]
    chosen = signers[:threshold]
    chosen_ids = {s.public_key.keyid for s in chosen}
    met = sum(1 for s in previous if s.public_key.keyid in chosen_ids)
    for s in previous:
        if met >= previous_threshold:
            break
        if s.public_key.keyid not in chosen_ids:
            chosen.append(s)
            chosen_ids.add(s.public_key.keyid)
            met += 1
    return chosen


def chain(args):
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    kinds = ALGORITHMS[args.algorithms]
    made = 0

    def next_signer():
        nonlocal made
        signer = new_signer(kinds[made % len(kinds)])
        made += 1
        return signer

    online = online_keys()
    signers = [next_signer() for _ in range(4)]
    threshold = 3
    previous = signers
    previous_threshold = threshold
    for version in range(1, args.n + 1):
        previous_threshold = threshold
        if version > 1 and version % 10 == 1:
            # Rotation: one key leaves, one joins; the count drifts between 3 and 5.
            previous = signers
            signers = list(signers)
            signers.pop(rng.randrange(len(signers)))
            signers.append(next_signer())
            if len(signers) < 5 and rng.random() < 0.5:
                signers.append(next_signer())
            elif len(signers) > 3 and rng.random() < 0.5:
                signers.pop(rng.randrange(len(signers) - 1))
            threshold = rng.randint(2, len(signers) - 1)
        else:
            previous = signers
        chosen = chain_signers(signers, threshold, previous, previous_threshold, args.signing)
        document = sign(root_signed(version, signers, threshold, online), chosen)
        write(document, os.path.join(args.out, f"{version}.root.json"))


def targets(args):
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    root_signers = [CryptoSigner.generate_ecdsa() for _ in range(3)]
    online = online_keys()
    write(sign(root_signed(1, root_signers, 2, online), root_signers), os.path.join(args.out, "root.json"))

    roles = max(args.roles, 1)
    listed = {}
    for i in range(args.t):
        group = i % roles
        path = f"pkg/role-{group:05d}/artifact-{i:08d}.tar.gz"
        digest = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
        listed[path] = {"hashes": {"sha256": digest}, "length": rng.randrange(1, 1 << 31)}
    delegation_keys = {}
    delegated = []
    for r in range(args.roles):
        signer = CryptoSigner.generate_ed25519()
        delegation_keys[signer.public_key.keyid] = signer.public_key.to_dict()
        delegated.append({"keyids": [signer.public_key.keyid], "name": f"role-{r:05d}",
                          "paths": [f"pkg/role-{r:05d}/*"], "terminating": False, "threshold": 1})
    signed = {"_type": "targets", "expires": EXPIRES, "spec_version": "1.0.31", "targets": listed, "version": 1}
    if args.roles:
        signed["delegations"] = {"keys": delegation_keys, "roles": delegated}
    write(sign(signed, [online["targets"]]), os.path.join(args.out, "targets.json"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("chain")
    c.add_argument("n", type=int)
    c.add_argument("out")
    c.add_argument("--algorithms", choices=sorted(ALGORITHMS), default="mixed")
    c.add_argument("--seed", type=int, default=11)
    c.add_argument("--signing", choices=["threshold", "all"], default="threshold")
    t = commands.add_parser("targets")
    t.add_argument("t", type=int)
    t.add_argument("roles", type=int)
    t.add_argument("out")
    t.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    {"chain": chain, "targets": targets}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
