#!/bin/sh
# fuzz/run.sh [SECONDS] — builds the libFuzzer targets with clang and runs
# each for SECONDS (default 20) on a copy of its committed corpus in a
# temporary directory, so that the inputs it discovers never land in the
# repository.  Exits non-zero if a target finds a crash, a leak or a
# failed check; the reproducer is kept and its path printed (turn it into
# a regression input under tests/cli_io/corpus/<target>/ with a fix).
#
# Environment: CC (default clang), SMX_FUZZ_BUILD (build directory,
# default a temporary one), SMX_FUZZ_JOBS (parallel build jobs, default 2).
set -eu

seconds=${1:-20}
case $seconds in
    ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/smx-fuzz.XXXXXX")
build=${SMX_FUZZ_BUILD:-$work/build}
trap 'rm -rf "$work/corpus"' EXIT

cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER="${CC:-clang}" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$build" -j "${SMX_FUZZ_JOBS:-2}" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; exit 1; }

status=0
for t in csv number safetensors; do
    mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
    cp "$root/tests/cli_io/corpus/$t/"* "$work/corpus/$t/"
    log="$work/fuzz_$t.log"
    dict=
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    echo "fuzz_$t: ${seconds}s on $(ls "$work/corpus/$t" | wc -l) seed inputs"
    if "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 $dict \
        -artifact_prefix="$work/artifacts/$t/" "$work/corpus/$t" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n 1 | sed 's/.*cov: \([0-9]*\).*/\1/')
        echo "fuzz_$t: ok, ${runs:-?} executions, coverage ${cov:-?}"
    else
        status=1
        echo "fuzz_$t: FAILED — log $log, reproducer(s):" >&2
        ls "$work/artifacts/$t" >&2
        tail -n 40 "$log" >&2
    fi
done
if [ "$status" -eq 0 ]; then
    rm -rf "$work"
else
    echo "kept $work for the failure" >&2
fi
exit "$status"
