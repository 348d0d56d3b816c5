#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md on this machine: builds the release `keyceremony`,
# makes the inputs (Benchmarks/generate.py, cached under .bench/inputs), then times each
# comparison against python-tuf 7.0.1 in the same run (Benchmarks/bench.py).
#
#   scripts/bench.sh                 the headline table (median of 5 alternating pairs)
#   scripts/bench.sh --scaling       plus the scaling series (10…10,000 root versions,
#                                    1k…1M targets) and .bench/scaling.svg
#   scripts/bench.sh --runs 9 …      any other bench.py `run` option
#   scripts/bench.sh --lifecycle [--runs N] [--dialect tuf]
#                                    the ceremony's own overhead instead: N whole rehearsals
#                                    (default 3), token and SLIP-39 KDF time against wall time
#                                    (Benchmarks/lifecycle.py; writes .bench/lifecycle.json)
#
# Needs the venv scripts/setup.sh makes (python-tuf 7.0.1). Writes .bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .venv/bin/python ]] || ./scripts/setup.sh
# The executable is linked as the release links it (scripts/release.sh): the Swift runtime and
# Foundation inside, so start-up is not spent in the dynamic loader. Its own build folder keeps
# the ordinary `swift build -c release` (dynamically linked) untouched.
echo "[bench] building keyceremony (release, static Swift runtime)"
swift build -c release --static-swift-stdlib --product keyceremony --build-path .build/bench
export KEYCEREMONY_BINARY="$PWD/.build/bench/release/keyceremony"
if [[ ${1:-} == --lifecycle ]]; then
    exec .venv/bin/python Benchmarks/lifecycle.py "${@:2}"
fi
args=("$@")
for a in "$@"; do
    if [[ $a == --scaling ]]; then args+=(--plot .bench/scaling.svg); fi
done
exec .venv/bin/python Benchmarks/bench.py run "${args[@]}"
