#!/usr/bin/env python3
"""Reads expiry dates from metadata files independently of keyceremony, for its tests.

usage: expiry-dates.py [--margin-days N] FILE...

Prints JSON: for each FILE its signed._type, version and expires (UTC, whole seconds,
fraction dropped), and for Notary root files the notAfter of every ecdsa-x509/rsa-x509
root key as `openssl x509 -enddate` reports it; then the earliest of all those dates,
that date minus N days ("next_ceremony", default 60) and one second before it. Snapshot and
timestamp dates are listed but do not set "next_ceremony": online keys re-sign them.
"""
import base64
import datetime
import json
import re
import subprocess
import sys

UTC = datetime.timezone.utc


def parse_rfc3339(text):
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})", text)
    if not match:
        raise SystemExit(f"not RFC 3339: {text}")
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    return datetime.datetime.fromisoformat(match.group(1) + zone).astimezone(UTC)


def fmt(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def not_after(pem):
    out = subprocess.run(["openssl", "x509", "-noout", "-enddate"], input=pem, capture_output=True, check=True).stdout
    text = out.decode().strip().removeprefix("notAfter=")
    return datetime.datetime.strptime(text, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=UTC)


def main(argv):
    margin = 60
    if argv[:1] == ["--margin-days"]:
        margin, argv = int(argv[1]), argv[2:]
    files, dates = {}, []
    for path in argv:
        with open(path, "rb") as handle:
            signed = json.load(handle)["signed"]
        expires = parse_rfc3339(signed["expires"])
        if signed["_type"].lower() not in ("snapshot", "timestamp"):
            dates.append(expires)
        entry = {"type": signed["_type"], "version": signed["version"], "expires": fmt(expires), "certificates": {}}
        if signed["_type"] == "Root":
            for key_id in signed["roles"]["root"]["keyids"]:
                key = signed["keys"][key_id]
                if key["keytype"].endswith("-x509"):
                    moment = not_after(base64.b64decode(key["keyval"]["public"]))
                    dates.append(moment)
                    entry["certificates"][key_id] = fmt(moment)
        files[path] = entry
    earliest = min(dates)
    deadline = earliest - datetime.timedelta(days=margin)
    print(json.dumps({
        "files": files,
        "earliest": fmt(earliest),
        "next_ceremony": fmt(deadline),
        "before_next_ceremony": fmt(deadline - datetime.timedelta(seconds=1)),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
