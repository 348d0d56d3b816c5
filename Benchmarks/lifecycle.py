#!/usr/bin/env python3
"""The ceremony's own overhead: a full rehearsed lifecycle, timed from the inside.

  lifecycle.py [--runs N] [--dialect notary|tuf] [--binary PATH] [--out FILE]

Runs `keyceremony rehearse --out TMP/r --timings TMP/timings.json` (all five stages:
generation with a SLIP-39 backup and drill, delegation, rotation, re-sign, recovery) N times
(default 3) after one untimed warm-up run, each in a fresh temporary directory that is deleted
afterwards. The rehearsal makes its own SoftHSM2 tokens and PIN file (DIR/softhsm/pins.json);
nothing here sees a PIN except to check that none appears in the timings file.

Reports the medians of: the process's wall time (measured here, start-up included), the
rehearsal's wall time (measured inside, from its timings file), the time inside PKCS#11 calls
(token time), the SLIP-39 KDF time, the overhead = wall - token - KDF (both ways), and the ratio
overhead / token time — issue 11's goal is at most 0.5 — and the part of the overhead spent
waiting in fsync(2) (the transcript is flushed record by record). Also where the overhead goes: per stage,
split into planning, the ceremony and the rehearsal's verification, and the PKCS#11 functions
that take the most time. Writes everything, every run's raw timings included, as JSON
(default .bench/lifecycle.json) and prints a Markdown table.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import machine  # noqa: E402  (one description of the machine for both harnesses)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYCEREMONY = os.environ.get("KEYCEREMONY_BINARY") or os.path.join(ROOT, ".build", "release", "keyceremony")


def rehearse(binary, dialect):
    """One whole rehearsal in a fresh temporary directory: (process wall s, peak KiB, timings)."""
    scratch = tempfile.mkdtemp(prefix="kc-lifecycle-")
    try:
        out = os.path.join(scratch, "r")
        timings = os.path.join(scratch, "timings.json")
        env = {k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"}
        argv = [binary, "rehearse", "--out", out, "--dialect", dialect, "--timings", timings]
        start = time.monotonic()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            sys.exit(f"keyceremony rehearse exited {process.returncode}:\n{output.decode(errors='replace')}")
        with open(timings, "rb") as f:
            text = f.read()
        with open(os.path.join(out, "softhsm", "pins.json")) as f:
            pins = json.load(f)
        for token in pins.get("tokens", {}).values():
            for pin in token.values():
                if isinstance(pin, str) and pin.encode() in text:
                    sys.exit("a rehearsal PIN appears in the timings file")
        return wall, usage.ru_maxrss, json.loads(text)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def seconds(ns):
    return ns / 1e9


def summarize(runs):
    def med(values):
        return statistics.median(values)

    token = [seconds(t["total"]["token_ns"]) for _, _, t in runs]
    kdf = [seconds(t["total"]["kdf_ns"]) for _, _, t in runs]
    inside = [seconds(t["total"]["wall_ns"]) for _, _, t in runs]
    process = [w for w, _, _ in runs]
    overhead = [seconds(t["total"]["overhead_ns"]) for _, _, t in runs]
    overhead_process = [w - seconds(t["total"]["token_ns"] + t["total"]["kdf_ns"]) for w, _, t in runs]
    result = dict(
        process_wall_s=med(process), rehearsal_wall_s=med(inside), token_s=med(token), kdf_s=med(kdf),
        overhead_s=med(overhead), overhead_per_token=med([o / t for o, t in zip(overhead, token)]),
        overhead_with_startup_s=med(overhead_process),
        overhead_with_startup_per_token=med([o / t for o, t in zip(overhead_process, token)]),
        token_calls=med([t["total"]["token_calls"] for _, _, t in runs]),
        kdf_rounds=med([t["total"]["kdf_rounds"] for _, _, t in runs]),
        flush_s=med([seconds(t["total"]["flush_ns"]) for _, _, t in runs]),
        flushes=med([t["total"]["flushes"] for _, _, t in runs]),
        peak_kib=med([k for _, k, _ in runs]),
    )
    # Where the overhead goes: prepare, then each stage's planning, ceremony and verification.
    parts = {"prepare": [t["prepare"] for _, _, t in runs]}
    for index, stage in enumerate(runs[0][2]["stages"]):
        for part in ("planning", "ceremony", "verification"):
            parts[f"{stage['name']} {part}"] = [t["stages"][index][part] for _, _, t in runs]
    result["parts"] = {name: dict(wall_s=med([seconds(s["wall_ns"]) for s in spans]),
                                  token_s=med([seconds(s["token_ns"]) for s in spans]),
                                  kdf_s=med([seconds(s["kdf_ns"]) for s in spans]),
                                  overhead_s=med([seconds(s["overhead_ns"]) for s in spans]),
                                  flush_s=med([seconds(s["flush_ns"]) for s in spans]))
                       for name, spans in parts.items()}
    functions = sorted(runs[0][2]["total"]["functions"])
    result["functions"] = {f: dict(count=med([t["total"]["functions"].get(f, {}).get("count", 0) for _, _, t in runs]),
                                   s=med([seconds(t["total"]["functions"].get(f, {}).get("ns", 0)) for _, _, t in runs]))
                           for f in functions}
    return result


def table(r):
    ms = lambda s: f"{s * 1000:.0f} ms"
    lines = ["| measure | median |", "|---|---|",
             f"| process wall (start-up included) | {ms(r['process_wall_s'])} |",
             f"| rehearsal wall (inside the process) | {ms(r['rehearsal_wall_s'])} |",
             f"| token time ({r['token_calls']:.0f} PKCS#11 calls) | {ms(r['token_s'])} |",
             f"| SLIP-39 KDF ({r['kdf_rounds']:.0f} PBKDF2 rounds) | {ms(r['kdf_s'])} |",
             f"| overhead = wall − token − KDF | {ms(r['overhead_s'])} |",
             f"| **overhead / token time** (goal ≤ 0.5) | **{r['overhead_per_token']:.2f}** |",
             f"| of the overhead: the tool's fsync(2) calls ({r['flushes']:.0f}) | {ms(r['flush_s'])} |",
             f"| the same with process start-up and exit | {ms(r['overhead_with_startup_s'])}, {r['overhead_with_startup_per_token']:.2f} |",
             f"| peak memory | {r['peak_kib'] / 1024:.0f} MiB |", "",
             "| part | wall | token | KDF | overhead | of which fsync |", "|---|---|---|---|---|---|"]
    for name, p in r["parts"].items():
        lines.append(f"| {name} | {ms(p['wall_s'])} | {ms(p['token_s'])} | {ms(p['kdf_s'])} | {ms(p['overhead_s'])} | {ms(p['flush_s'])} |")
    lines += ["", "| PKCS#11 function | calls | time |", "|---|---|---|"]
    for name, f in sorted(r["functions"].items(), key=lambda kv: -kv[1]["s"]):
        lines.append(f"| {name} | {f['count']:.0f} | {f['s'] * 1000:.1f} ms |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dialect", choices=["notary", "tuf"], default="notary")
    parser.add_argument("--binary", default=KEYCEREMONY)
    parser.add_argument("--out", default=os.path.join(ROOT, ".bench", "lifecycle.json"))
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} is missing: swift build -c release --product keyceremony")
    print(f"[lifecycle] warm-up, then {args.runs} rehearsals ({args.dialect})", file=sys.stderr)
    rehearse(args.binary, args.dialect)
    runs = [rehearse(args.binary, args.dialect) for _ in range(args.runs)]
    result = dict(command=f"keyceremony rehearse --out DIR --dialect {args.dialect} --timings FILE",
                  binary=os.path.relpath(args.binary, ROOT) if args.binary.startswith(ROOT) else args.binary,
                  runs=args.runs, machine=machine(), median=summarize(runs),
                  raw=[dict(process_wall_s=w, peak_kib=k, timings=t) for w, k, t in runs])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    print(table(result["median"]))
    print(f"\n(median of {args.runs}; written to {args.out})")


if __name__ == "__main__":
    main()
