#!/usr/bin/env bash
# startup_time.sh PATH/TO/smx [ROUNDS] — the wall time of `smx --version`
# against a C program that prints the same line, linked the same way as
# startup_counts.sh's (PIE, libm, libcjson), and against that program
# linked to cairo's shared libraries too (what smx pays when it links them
# shared, -DSMX_CAIRO_STATIC=OFF).  The programs run in turn, ROUNDS times
# each (default 200), the order reversed every round, each a fork and exec
# with its output to /dev/null; the medians and quartiles in ms, then
# smx's median less the reference's.  Not a CTest test: it measures, on a
# machine whose load it does not control; run it on a quiet one.  Needs cc
# (and pkg-config with cairo's .pc files for the third program).
set -u
smx=${1:?usage: startup_time.sh PATH/TO/smx [ROUNDS]}
rounds=${2:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$("$smx" --version)
printf '#include <stdio.h>\nint main(void) { puts("%s"); return 0; }\n' "$version" >"$tmp/ref.c"
cc -O2 "$tmp/ref.c" -o "$tmp/reference" -Wl,--no-as-needed -lm -lcjson
programs=("$smx" "$tmp/reference")
if cairo_libs=$(pkg-config --libs cairo cairo-png cairo-svg cairo-pdf fontconfig 2>/dev/null); then
    # shellcheck disable=SC2086
    cc -O2 "$tmp/ref.c" -o "$tmp/reference+cairo" -Wl,--no-as-needed -lm -lcjson $cairo_libs
    programs+=("$tmp/reference+cairo")
fi

cat >"$tmp/timer.c" <<'EOF'
/* timer ROUNDS PROGRAM...: each PROGRAM --version, in turn, ROUNDS times */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e3 * (double)t.tv_sec + 1e-6 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const int rounds = atoi(argv[1]), k = argc - 2;
    double *t = malloc(sizeof *t * (size_t)(rounds * k));
    const int devnull = open("/dev/null", O_WRONLY);
    if (rounds < 1 || k < 1 || !t || devnull < 0)
        return 2;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < k; i++) {
            const int j = r % 2 ? k - 1 - i : i;
            const double t0 = now_ms();
            const pid_t pid = fork();
            if (pid == 0) {
                dup2(devnull, 1);
                char *args[] = {argv[2 + j], "--version", NULL};
                execv(argv[2 + j], args);
                _exit(127);
            }
            int status;
            waitpid(pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return 1;
            t[j * rounds + r] = now_ms() - t0;
        }
    for (int i = 0; i < k; i++) {
        double *v = t + i * rounds;
        qsort(v, (size_t)rounds, sizeof *v, cmp);
        printf("%.3f %.3f %.3f\n", v[rounds / 2], v[rounds / 4], v[3 * rounds / 4]);
    }
    return 0;
}
EOF
cc -O2 "$tmp/timer.c" -o "$tmp/timer"
mapfile -t medians < <("$tmp/timer" "$rounds" "${programs[@]}") || exit 1
printf '%-32s %10s %18s\n' "$rounds rounds" "median ms" "quartiles"
for i in "${!programs[@]}"; do
    read -r m q1 q3 <<<"${medians[$i]}"
    printf '%-32s %10s %8s - %-8s\n' "$(basename "${programs[$i]}")" "$m" "$q1" "$q3"
done
read -r smx_m _ <<<"${medians[0]}"
read -r ref_m _ <<<"${medians[1]}"
awk -v a="$smx_m" -v b="$ref_m" 'BEGIN { printf "smx - reference: %.3f ms\n", a - b }'
