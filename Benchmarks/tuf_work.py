#!/usr/bin/env python3
"""python-tuf 7.0.1 doing the work `keyceremony verify` does, for the benchmarks.

Each subcommand is what python-tuf's own client (ngclient's `Updater`, through its
`TrustedMetadataSet`) does with the same files, with no network and no cache writes:

  chain DIR    `TrustedMetadataSet(1.root.json)` then `update_root(N.root.json)` for
               every later version in order (the Updater's root update loop: each N+1
               is parsed, checked to be exactly N+1 and verified under N's root role and
               its own), then the newest root's expiry.
  targets DIR  the trusted DIR/root.json loaded as above, then DIR/targets.json through
               the same loader `update_targets` uses (`Metadata.from_bytes`, which builds
               and checks every target and delegated role, then
               `root.verify_delegate("targets", signed_bytes, signatures)`, whose
               `signed_bytes` is the canonical JSON write of `signed`), then its expiry.
               `update_targets` itself needs a snapshot; its snapshot checks are left out
               because the benchmark's directory has none.
  root FILE    one root verified under its own root role, and its expiry.

Exit 0 when everything verifies, 1 with the error otherwise.
"""
import os
import re
import sys

from tuf.api.metadata import Root, Targets
from tuf.ngclient._internal.trusted_metadata_set import TrustedMetadataSet, _load_from_metadata
from tuf.ngclient.config import EnvelopeType


def read(path):
    with open(path, "rb") as f:
        return f.read()


def chain(directory):
    versions = sorted(int(m.group(1)) for name in os.listdir(directory)
                      if (m := re.fullmatch(r"(\d+)\.root\.json", name)))
    trusted = TrustedMetadataSet(read(os.path.join(directory, f"{versions[0]}.root.json")), EnvelopeType.METADATA)
    for version in versions[1:]:
        trusted.update_root(read(os.path.join(directory, f"{version}.root.json")))
    if trusted.root.is_expired(trusted.reference_time):
        raise ValueError("the newest root has expired")
    return f"root version {trusted.root.version}"


def targets(directory):
    trusted = TrustedMetadataSet(read(os.path.join(directory, "root.json")), EnvelopeType.METADATA)
    listed, _, _ = _load_from_metadata(Targets, read(os.path.join(directory, "targets.json")), trusted.root, Targets.type)
    if listed.is_expired(trusted.reference_time):
        raise ValueError("targets has expired")
    return f"{len(listed.targets)} targets, {len(listed.delegations.roles) if listed.delegations else 0} delegated roles"


def root(path):
    trusted = TrustedMetadataSet(read(path), EnvelopeType.METADATA)
    if trusted.root.is_expired(trusted.reference_time):
        raise ValueError("the root has expired")
    return f"root version {trusted.root.version}"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("chain", "targets", "root"):
        sys.stderr.write(__doc__)
        return 2
    try:
        result = {"chain": chain, "targets": targets, "root": root}[sys.argv[1]](sys.argv[2])
    except Exception as error:  # the benchmark only needs pass or fail, with the reason
        print(f"error: {type(error).__name__}: {error}")
        return 1
    print(f"ok: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
