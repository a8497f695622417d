#!/usr/bin/env bash
# bench/mca/run.sh — llvm-mca's estimate of the f32 exp-and-sum loop
# (exp_loops.c) in double lanes and in float lanes, on AVX2 and AVX-512,
# for CPU models other than this machine's.  Prints, per ISA, model and
# loop, the instructions and the cycles per FW entries (FW = 8 on AVX2,
# 16 on AVX-512) at steady state.  A model, not a measurement: what the
# bench measures on a real CPU comes first.
#
#   bash bench/mca/run.sh                 # llvm-mca-14 (Debian's llvm-14)
set -euo pipefail
cd "$(dirname "$0")/../.."
MCA=${MCA:-llvm-mca-14}
command -v "$MCA" >/dev/null || { echo "run.sh: $MCA not found (Debian package llvm-14)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CFLAGS=(-O2 -std=c11 -ffp-contract=off -fno-math-errno -Isrc -S)
gcc "${CFLAGS[@]}" -mavx2 -mfma bench/mca/exp_loops.c -o "$out/avx2.s"
gcc "${CFLAGS[@]}" -mavx512f -mavx512dq -mavx512vl -mavx512bw -mavx2 -mfma \
    -DVEC_AVX512 bench/mca/exp_loops.c -o "$out/avx512.s"
report() { # isa cpu
    "$MCA" -mcpu="$2" -iterations=1000 "$out/$1.s" 2>/dev/null | awk -v isa="$1" -v cpu="$2" '
        /Code Region - / { sub(/.*Code Region - /, ""); region = $0 }
        /^Instructions:/ { ins = $2 }
        /^Iterations:/ { it = $2 }
        /^Total Cycles:/ { printf "%-7s %-15s %-28s %4d instructions %6.1f cycles\n",
                           isa, cpu, region, ins / it, $3 / it }'
}
for cpu in znver3 skylake; do report avx2 "$cpu"; done
for cpu in skylake-avx512 icelake-server; do report avx512 "$cpu"; done
