#!/usr/bin/env python3
"""Side-by-side benchmarks: `keyceremony verify` against python-tuf 7.0.1 doing the same work.

  bench.py run [--runs N] [--cases NAMES] [--scaling] [--out FILE] [--plot FILE.svg]
      Generates missing inputs under .bench/inputs (Benchmarks/generate.py), then for each
      case runs the two whole processes alternately (ours, python-tuf, python-tuf, ours, …:
      the order flips every pair so drift on a shared machine hits both alike), after one
      untimed warm-up run of each. Reports the median wall time and median peak resident
      memory (ru_maxrss from wait4, the same figure `/usr/bin/time -v` prints) of N runs,
      and the ratios. Both processes must exit 0 (everything verified) on every run.
      Writes the results as JSON (default .bench/results.json) and prints a Markdown table.
  bench.py instructions CASE [--binary PATH]
      Instructions executed by one `keyceremony verify` of CASE under valgrind's callgrind
      (all threads together): repeatable on a busy machine, where wall times are not.
  bench.py same-findings BASELINE [--binary PATH]
      Runs `verify --json` (at a fixed time) with the BASELINE binary and with ours on every
      metadata file and directory of the test corpus (fixtures/, the shared real-world cases
      when present) and on the benchmark inputs, and fails on any difference in output or
      exit status: an optimisation may not change a single finding.
  bench.py binaries CASES NAME=PATH… [--runs N]
      Wall time (median of N, the binaries taking turns) and instructions (callgrind) of
      several builds of `keyceremony` on the same cases: the before/after table of the
      optimisations, each build saved from one step of the work.
  bench.py plot RESULTS.json OUT.svg
      The scaling plot (time and peak memory against input size, both tools, log-log).

python-tuf's side is Benchmarks/tuf_work.py (what its ngclient does with the same files).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUTS = os.path.join(ROOT, ".bench", "inputs")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
# The executable measured: scripts/bench.sh sets KEYCEREMONY_BINARY to the statically linked
# release build (the way the release links it); by hand it defaults to `swift build -c release`.
KEYCEREMONY = os.environ.get("KEYCEREMONY_BINARY") or os.path.join(ROOT, ".build", "release", "keyceremony")


def case_table():
    """name -> (generator arguments or None, our argv tail, python-tuf argv tail, size, series)."""
    cases = {}

    def chain(n, algorithms, series=None, signing="threshold"):
        # Inputs are cached by name, so the signing mode is part of the name.
        name = f"chain-{algorithms}-{n}" + ("-allkeys" if signing == "all" else "")
        path = os.path.join(INPUTS, name)
        kinds = 'P-256' if algorithms == 'p256' else 'P-256, Ed25519, RSA-PSS'
        signed = ", signed by every key" if signing == "all" else ""
        cases[name] = dict(generate=["chain", str(n), path, "--algorithms", algorithms, "--signing", signing],
                           ours=["verify", path], theirs=["chain", path], size=n, series=series,
                           work=f"a {n:,}-version TUF root chain ({kinds}{signed})")

    def targets(t, roles, series=None):
        name = f"targets-{t}-{roles}"
        path = os.path.join(INPUTS, name)
        cases[name] = dict(generate=["targets", str(t), str(roles), path],
                           ours=["verify", path], theirs=["targets", path], size=t, series=series,
                           work=f"one targets.json, {t:,} targets and {roles:,} delegated roles")

    chain(300, "p256")
    chain(300, "p256", signing="all")
    for n in (10, 100, 1000, 10000):
        chain(n, "mixed", series="chain")
    for t in (1000, 10000, 100000, 1000000):
        targets(t, t // 100, series="targets")
    root = os.path.join(INPUTS, "chain-mixed-10", "1.root.json")
    cases["root"] = dict(generate=None, needs="chain-mixed-10", ours=["verify", root], theirs=["root", root],
                         size=1, series=None, work="one root.json")
    cases["help"] = dict(generate=None, ours=["--help"], theirs=None, size=0, series=None, work="`keyceremony --help`")
    return cases


DEFAULT = ["chain-p256-300", "chain-p256-300-allkeys", "chain-mixed-1000", "targets-100000-1000", "root", "help"]
SCALING = ["chain-mixed-10", "chain-mixed-100", "chain-mixed-1000", "chain-mixed-10000",
           "targets-1000-10", "targets-10000-100", "targets-100000-1000", "targets-1000000-10000"]


def ensure_input(cases, name):
    case = cases[name]
    if case.get("needs"):
        ensure_input(cases, case["needs"])
    if case["generate"] is None:
        return
    path = case["generate"][-1] if case["generate"][0] == "targets" else case["generate"][2]
    done = os.path.join(path, ".complete")
    if os.path.exists(done):
        return
    print(f"[bench] generating {name} …", file=sys.stderr, flush=True)
    subprocess.run([PYTHON, os.path.join(ROOT, "Benchmarks", "generate.py")] + case["generate"], check=True)
    open(done, "w").close()


LAST_CPU = 0.0


def measure(argv):
    """Wall seconds and peak RSS (KiB) of one whole process; its exit status must be 0.
    The CPU seconds it used (user + system, all threads) are kept in LAST_CPU."""
    global LAST_CPU
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    LAST_CPU = usage.ru_utime + usage.ru_stime
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode != 0:
        result = subprocess.run(argv, capture_output=True, text=True)
        raise SystemExit(f"[bench] {' '.join(argv)} exited {process.returncode}:\n{result.stdout[-2000:]}{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss


def command(case, side):
    if side == "ours":
        return [KEYCEREMONY] + case["ours"]
    return [PYTHON, os.path.join(ROOT, "Benchmarks", "tuf_work.py")] + case["theirs"]


def run_case(name, case, runs):
    sides = ["ours"] + (["theirs"] if case["theirs"] else [])
    samples = {side: [] for side in sides}
    for side in sides:
        measure(command(case, side))  # warm-up: file cache, dynamic loader
    for i in range(runs):
        order = sides if i % 2 == 0 else list(reversed(sides))
        for side in order:
            samples[side].append(measure(command(case, side)) + (LAST_CPU,))
    result = dict(name=name, work=case["work"], size=case["size"], series=case["series"], runs=runs)
    for side in sides:
        times = [s[0] for s in samples[side]]
        memory = [s[1] for s in samples[side]]
        cpu = [s[2] for s in samples[side]]
        result[side] = dict(seconds=statistics.median(times), peak_kib=statistics.median(memory),
                            cpu_seconds=statistics.median(cpu),
                            samples=[round(t, 5) for t in times], peak_kib_samples=memory)
    if "theirs" in result:
        result["speedup"] = result["theirs"]["seconds"] / result["ours"]["seconds"]
        result["memory_ratio"] = result["ours"]["peak_kib"] / result["theirs"]["peak_kib"]
    return result


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as f:
        memory_kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
    load = os.getloadavg()
    return dict(nproc=os.cpu_count(), cpu=model, memory_gib=round(memory_kib / 1048576, 1),
                kernel=platform.release(), load_average=[round(x, 2) for x in load],
                python=platform.python_version())


def fmt_time(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(results):
    lines = ["| work | keyceremony verify | python-tuf 7.0.1 | speed-up (wall) | CPU time ours / theirs | memory ours / theirs |",
             "|---|---|---|---|---|---|"]
    for r in results:
        ours = f"{fmt_time(r['ours']['seconds'])}, {r['ours']['peak_kib'] / 1024:.1f} MiB"
        if "theirs" in r:
            theirs = f"{fmt_time(r['theirs']['seconds'])}, {r['theirs']['peak_kib'] / 1024:.1f} MiB"
            cpu = f"{fmt_time(r['ours']['cpu_seconds'])} / {fmt_time(r['theirs']['cpu_seconds'])}"
            lines.append(f"| {r['work']} | {ours} | {theirs} | {r['speedup']:.1f}× | {cpu} | {r['memory_ratio']:.2f} |")
        else:
            lines.append(f"| {r['work']} | {ours} | | | {fmt_time(r['ours']['cpu_seconds'])} | |")
    return "\n".join(lines)


def run(args):
    cases = case_table()
    names = args.cases.split(",") if args.cases else list(DEFAULT)
    if args.scaling:
        names += [n for n in SCALING if n not in names]
    for name in names:
        if name not in cases:
            raise SystemExit(f"[bench] unknown case {name}; cases: {', '.join(cases)}")
    if not os.access(KEYCEREMONY, os.X_OK):
        raise SystemExit(f"[bench] {KEYCEREMONY} is missing: swift build -c release --product keyceremony")
    for name in names:
        ensure_input(cases, name)
    results = []
    for name in names:
        print(f"[bench] {name}: {args.runs} alternating runs …", file=sys.stderr, flush=True)
        results.append(run_case(name, cases[name], args.runs))
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    report = dict(machine=machine(), date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), results=results)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print(table(results))
    print(f"\nmachine: {report['machine']}")
    if args.plot:
        plot(report, args.plot)
        print(f"plot: {args.plot}")


def instructions(args):
    """valgrind 3.19 (Debian 12) cannot read Swift 6's DWARF 5, so a copy without debug
    information is profiled (function names stay, from the symbol table)."""
    cases = case_table()
    case = cases[args.case]
    ensure_input(cases, args.case)
    out = os.path.join(ROOT, ".bench", f"callgrind.{args.case}.out")
    print(f"{args.case}\t{count_instructions(args.binary, case['ours'], out)}\t{out}")


def count_instructions(binary, argv, out):
    stripped = out + ".bin"
    subprocess.run(["strip", "--strip-debug", "-o", stripped, binary], check=True)
    result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", stripped] + argv,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    os.remove(stripped)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    with open(out) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("summary:") or line.startswith("totals:"))


def binaries(args):
    cases = case_table()
    builds = [b.split("=", 1) for b in args.builds]
    rows = []
    for name in args.cases.split(","):
        ensure_input(cases, name)
        case = cases[name]
        for _, path in builds:
            measure([path] + case["ours"])  # warm-up
        samples = {label: [] for label, _ in builds}
        for i in range(args.runs):
            order = builds if i % 2 == 0 else list(reversed(builds))
            for label, path in order:
                samples[label].append(measure([path] + case["ours"]))
        for label, path in builds:
            out = os.path.join(ROOT, ".bench", f"callgrind.{name}.{label}.out")
            instructions = 0 if args.no_instructions else count_instructions(path, case["ours"], out)
            times = [t for t, _ in samples[label]]
            memory = [m for _, m in samples[label]]
            rows.append(dict(case=name, build=label, seconds=statistics.median(times),
                             peak_kib=statistics.median(memory), instructions=instructions))
            print(f"| {case['work']} | {label} | {instructions / 1e6:,.0f} M | {fmt_time(statistics.median(times))} "
                  f"| {statistics.median(memory) / 1024:.1f} MiB |", flush=True)
    with open(args.out, "w") as f:
        json.dump(dict(machine=machine(), date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), rows=rows), f, indent=1)


def corpus_targets():
    """Every metadata directory and JSON file of the test corpus, plus the benchmark inputs."""
    found = []
    for base in (os.path.join(ROOT, "fixtures"), "/work/shared/cases", INPUTS):
        for directory, _, names in os.walk(base):
            jsons = sorted(n for n in names if n.endswith(".json"))
            if not jsons:
                continue
            found.append(directory)
            if base != INPUTS:
                found += [os.path.join(directory, n) for n in jsons]
    return sorted(set(found))


def same_findings(args):
    differences = 0
    paths = corpus_targets()
    for path in paths:
        outputs = []
        for binary in (args.baseline, args.binary):
            result = subprocess.run([binary, "verify", path, "--json", "--at", "2026-06-01T00:00:00Z"],
                                    capture_output=True, text=True)
            outputs.append((result.returncode, result.stdout, result.stderr))
        if outputs[0] != outputs[1]:
            differences += 1
            print(f"DIFFERENT: {path}\n  baseline exit {outputs[0][0]}, ours exit {outputs[1][0]}")
    print(f"{len(paths) - differences} of {len(paths)} paths verify identically (output and exit status)")
    if differences:
        raise SystemExit(1)


# MARK: the SVG plot (hand-written: no plotting library in the venv)

def plot(report, path):
    import math
    series = {}
    for r in report["results"]:
        if r.get("series") and "theirs" in r:
            series.setdefault(r["series"], []).append(r)
    panels = []
    for name, label in (("chain", "root versions"), ("targets", "targets")):
        rows = sorted(series.get(name, []), key=lambda r: r["size"])
        if not rows:
            continue
        panels.append((f"time — {label}", label, "seconds", rows, lambda s: s["seconds"]))
        panels.append((f"peak memory — {label}", label, "MiB", rows, lambda s: s["peak_kib"] / 1024))
    width, height, pad = 420, 300, 56
    columns = 2
    svg_w = columns * width
    svg_h = math.ceil(len(panels) / columns) * height + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{svg_w}" height="{svg_h}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{svg_w}" height="{svg_h}" fill="white"/>',
           f'<text x="{svg_w / 2}" y="18" text-anchor="middle" font-size="13">keyceremony verify (blue) and '
           f'python-tuf 7.0.1 (orange), median of {report["results"][0]["runs"]} runs, log-log</text>']
    for i, (title, xlabel, ylabel, rows, value) in enumerate(panels):
        ox = (i % columns) * width
        oy = 30 + (i // columns) * height
        xs = [r["size"] for r in rows]
        ys = [value(r[side]) for r in rows for side in ("ours", "theirs")]
        x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
        y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
        x1 = max(x1, x0 + 1)
        y1 = max(y1, y0 + 1)
        left, right, top, bottom = ox + pad, ox + width - 36, oy + 24, oy + height - 40
        out.append(f'<clipPath id="panel{i}"><rect x="{left}" y="{top}" width="{right - left}" '
                   f'height="{bottom - top}"/></clipPath>')

        def px(x):
            return left + (math.log10(x) - x0) / (x1 - x0) * (right - left)

        def py(y):
            return bottom - (math.log10(y) - y0) / (y1 - y0) * (bottom - top)

        out.append(f'<text x="{(left + right) / 2}" y="{oy + 14}" text-anchor="middle" font-size="12">{title}</text>')
        out.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#888"/>')
        for e in range(x0, x1 + 1):
            x = px(10 ** e)
            out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
            out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{10 ** e:,}</text>')
        for e in range(y0, y1 + 1):
            y = py(10 ** e)
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
            tick = f"{10 ** e:g}"
            out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
        out.append(f'<text x="{(left + right) / 2}" y="{bottom + 30}" text-anchor="middle">{xlabel}</text>')
        out.append(f'<text x="{ox + 12}" y="{(top + bottom) / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 {ox + 12} {(top + bottom) / 2})">{ylabel}</text>')
        for side, colour in (("ours", "#1f5fbf"), ("theirs", "#e07000")):
            points = " ".join(f"{px(r['size']):.1f},{py(value(r[side])):.1f}" for r in rows)
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for r in rows:
                out.append(f'<circle cx="{px(r["size"]):.1f}" cy="{py(value(r[side])):.1f}" r="3" fill="{colour}"/>')
        # A slope-1 guide through our smallest point: linear scaling runs parallel to it.
        first = rows[0]
        base = value(first["ours"])
        gx0, gx1 = first["size"], rows[-1]["size"]
        out.append(f'<line x1="{px(gx0):.1f}" y1="{py(base):.1f}" x2="{px(gx1):.1f}" '
                   f'y2="{py(base * gx1 / gx0):.1f}" stroke="#999" stroke-dasharray="4 3" clip-path="url(#panel{i})"/>')
    out.append(f'<text x="8" y="{svg_h - 6}" fill="#666">dashed: linear (slope 1) from our smallest point; '
               f'{report["machine"]["nproc"]} cores, {report["machine"]["cpu"]}, {report["date"]}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("run")
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--cases", default="")
    r.add_argument("--scaling", action="store_true")
    r.add_argument("--out", default=os.path.join(ROOT, ".bench", "results.json"))
    r.add_argument("--plot", default="")
    i = commands.add_parser("instructions")
    i.add_argument("case")
    i.add_argument("--binary", default=KEYCEREMONY)
    b = commands.add_parser("binaries")
    b.add_argument("cases")
    b.add_argument("builds", nargs="+")
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--out", default=os.path.join(ROOT, ".bench", "binaries.json"))
    b.add_argument("--no-instructions", action="store_true", help="wall time and memory only")
    f = commands.add_parser("same-findings")
    f.add_argument("baseline")
    f.add_argument("--binary", default=KEYCEREMONY)
    p = commands.add_parser("plot")
    p.add_argument("results")
    p.add_argument("out")
    args = parser.parse_args()
    if args.command == "run":
        if args.runs < 5:
            raise SystemExit("[bench] at least 5 runs: the figures are medians")
        run(args)
    elif args.command == "instructions":
        instructions(args)
    elif args.command == "binaries":
        binaries(args)
    elif args.command == "same-findings":
        same_findings(args)
    else:
        with open(args.results) as f:
            plot(json.load(f), args.out)


if __name__ == "__main__":
    main()
