#!/usr/bin/env bash
# startup_counts.sh PATH/TO/smx — what `smx --version` costs at start-up
# beyond a C program that prints the same line, linked the same way (PIE,
# libm, libcjson), in counts that do not depend on the machine's load:
# instructions (valgrind's callgrind, the dynamic loader included),
# system calls and threads (strace), page faults (perf, else GNU time),
# and the dynamic loader's relocations (LD_DEBUG=statistics).  Not a
# CTest test: it measures, it asserts nothing.  Needs cc; each count
# whose tool is missing is shown as "-".
set -u
smx=${1:?usage: startup_counts.sh PATH/TO/smx}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$("$smx" --version)
printf '#include <stdio.h>\nint main(void) { puts("%s"); return 0; }\n' "$version" >"$tmp/ref.c"
cc -O2 "$tmp/ref.c" -o "$tmp/ref" -Wl,--no-as-needed -lm -lcjson

instructions() {
    command -v valgrind >/dev/null || { echo -; return; }
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : *//p'
}
syscalls() {
    command -v strace >/dev/null || { echo -; return; }
    strace -f -c "$@" 2>&1 >/dev/null | awk '$NF == "total" { print $(NF - 2) }'
}
threads() {
    command -v strace >/dev/null || { echo -; return; }
    strace -f -e trace=clone,clone3 "$@" 2>&1 >/dev/null | grep -c '^clone'
}
faults() {
    if command -v perf >/dev/null && perf stat -x, -e page-faults true >/dev/null 2>&1; then
        perf stat -x, -e page-faults -r 20 "$@" 2>&1 >/dev/null | cut -d, -f1
    elif [ -x /usr/bin/time ]; then
        /usr/bin/time -f %R "$@" 2>&1 >/dev/null | tail -n 1
    else
        echo -
    fi
}
relocations() {
    LD_DEBUG=statistics "$@" 2>&1 >/dev/null |
        awk '/final number of relocations:/ { n = $NF } /number of relative relocations:/ { r = $NF }
             END { printf "%s + %s relative\n", n, r }'
}

printf '%-14s %20s %20s\n' "" "smx --version" "reference"
for what in instructions syscalls threads faults relocations; do
    printf '%-14s %20s %20s\n' "$what" "$($what "$smx" --version)" "$($what "$tmp/ref")"
done
