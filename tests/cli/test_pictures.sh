#!/usr/bin/env bash
# The smx command's pictures (--plot, --plot-regions, --plot-features)
# and its live progress line.  Each picture is drawn as PNG, SVG and PDF
# and checked by picture_check.py: the PNG decoded, of the size asked
# for, not blank, with the colours it must show; the SVG parsed as XML;
# the PDF one page of that size.  Then every bad picture option, the
# message of an smx built without cairo, and the progress bar: drawn on
# a terminal (a pseudo-terminal here), never into a pipe.
#
# Usage: test_pictures.sh PATH/TO/smx.  Environment (tests/cli/CMakeLists.txt):
# SMX_HAS_CAIRO (1: this smx draws), SMX_NOCAIRO (an smx built without cairo).
set -u
smx=$1
here=$(dirname "$0")
. "$here/harness.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check_picture() { python3 "$here/picture_check.py" "$@"; }

# check NAME CMD...: the command succeeds
check() {
    local name=$1
    shift
    if "$@"; then passed=$((passed + 1)); else fail "$name"; fi
}

# The colours (cli/plot_canvas.c): the classes' Okabe-Ito blue, orange and
# green, and the heatmap's positive end.
blue=0072b2 orange=e69f00 green=009e73 positive=b2182b

# ---- without cairo: the options say so, exit 1, and write nothing ------
nocairo=${SMX_NOCAIRO:-}
if [ -n "$nocairo" ]; then
    expect_fail "no cairo: train --plot" 1 \
        "smx was built without cairo; --plot is not available" -- \
        "$nocairo" train --plot "$tmp/none.png"
    expect_fail "no cairo: train --plot-regions" 1 \
        "smx was built without cairo; --plot-regions is not available" -- \
        "$nocairo" train --plot-regions "$tmp/none.png"
    expect_fail "no cairo: explain --plot" 1 \
        "smx was built without cairo; --plot is not available" -- \
        "$nocairo" explain 1 2 --plot "$tmp/none.svg"
    check "no cairo: no file written" test ! -e "$tmp/none.png" -a ! -e "$tmp/none.svg"
    expect_out "no cairo: train without --plot still works" "test        30" -- \
        "$nocairo" train --quiet
else
    fail "SMX_NOCAIRO is not set: the message of an smx without cairo went untested"
fi

if [ "${SMX_HAS_CAIRO:-0}" != 1 ]; then
    # This smx has no cairo either (libcairo2-dev missing at build time):
    # the pictures cannot be drawn; the message was checked above.
    expect_fail "this smx: --plot unavailable" 1 "built without cairo" -- \
        "$smx" train --plot "$tmp/x.png"
    finish
    exit
fi

# ---- the pictures, in each format ---------------------------------------
for ext in png svg pdf; do
    expect_out "train --plot .$ext" "drew $tmp/curves.$ext" -- \
        "$smx" train --quiet --plot "$tmp/curves.$ext" --plot-regions "$tmp/regions.$ext"
    expect_out "explain --plot .$ext" "drew $tmp/explain.$ext" -- \
        "$smx" explain 1.43 -0.40 0.23 --labels setosa,versicolor,virginica --target setosa \
        --plot "$tmp/explain.$ext"
done
for ext in svg pdf; do
    check "curves.$ext" check_picture "$tmp/curves.$ext" 960 440
    check "regions.$ext" check_picture "$tmp/regions.$ext" 800 600
    check "explain.$ext" check_picture "$tmp/explain.$ext" 960 720
done
# The curves: training in blue, no validation (orange) without --patience.
check "curves.png" check_picture "$tmp/curves.png" 960 440 --near $blue:300 --far $orange:0
# With early stopping, the validation curves in orange.
"$smx" train --quiet --patience 10 --epochs 2000 --plot "$tmp/early.png" >/dev/null
check "curves with validation" check_picture "$tmp/early.png" 960 440 --near $orange:300
# A long run: the history keeps means of consecutive epochs (cli/history.c).
"$smx" train --quiet --epochs 10000 --batch 0 --plot "$tmp/long.png" >/dev/null
check "curves of 10000 epochs" check_picture "$tmp/long.png" 960 440 --near $blue:300
# The regions: every class's colour, in the points and the regions.
check "regions.png" check_picture "$tmp/regions.png" 800 600 \
    --near $blue:300 --near $orange:300 --near $green:300
# explain: the bars in the classes' colours, the diagonal's red.
check "explain.png" check_picture "$tmp/explain.png" 960 720 \
    --near $blue:2000 --near $orange:2000 --near $green:2000 --near $positive:1000
# Two classes: no green anywhere.
"$smx" explain 2 1 --plot "$tmp/two.png" >/dev/null
check "explain of two classes" check_picture "$tmp/two.png" 960 720 --near $orange:1000 \
    --far $green:0
# The other paths: --grad, a -inf score (no bar), many classes, the temperature, --json.
expect_out "explain --grad -inf" '"plot":' -- "$smx" explain 1 -inf 0.5 --grad 1,0,-1 \
    --temperature 2 --json --plot "$tmp/grad.svg"
check "explain --grad picture" check_picture "$tmp/grad.svg" 960 720
expect_out "explain of 30 scores" "drew" -- "$smx" explain $(seq 1 30) --plot "$tmp/many.png"
check "explain of 30 scores picture" check_picture "$tmp/many.png" 960 720

# ---- which features the regions show -------------------------------------
json=$("$smx" train --quiet --json --plot-regions "$tmp/r.png")
check "default features: petal_length, petal_width (largest F on Iris)" \
    python3 -c 'import json,sys; d=json.loads(sys.argv[1])["plot_regions"]; sys.exit(d["features"] != ["petal_length","petal_width"])' "$json"
# A data set whose informative columns are the 2nd and 4th: the class
# moves b a little and d a lot; a and c are the same in every class.
python3 - "$tmp/designed.csv" <<'PY'
import sys
rows = ["a,b,c,d,class"]
for i in range(60):
    k = i % 3
    rows.append("%d,%g,%d,%g,k%d" % (i % 5, k + 0.9 * ((i * 7) % 5) / 5, i % 4, 10 * k + (i % 2), k))
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY
expect_out "largest F: b and d" "decision regions over b and d" -- \
    "$smx" train "$tmp/designed.csv" --quiet --epochs 20 --plot-regions "$tmp/d.png"
expect_out "--plot-features by name" "decision regions over petal_length and sepal_width" -- \
    "$smx" train --quiet --epochs 20 --plot-regions "$tmp/f.svg" --plot-features petal_length,sepal_width
expect_out "--plot-features by position" "decision regions over sepal_length and sepal_width" -- \
    "$smx" train --quiet --epochs 20 --plot-regions "$tmp/f.svg" --plot-features 1,2
check "regions over chosen features" check_picture "$tmp/f.svg" 800 600

# ---- bad picture options: a clear error, nothing trained or written ------
expect_fail "unknown format" 1 "unknown picture format" -- "$smx" train --plot "$tmp/x.jpg"
expect_fail "no extension" 1 "unknown picture format" -- "$smx" explain 1 2 --plot "$tmp/x"
expect_fail "no such folder" 1 "no folder $tmp/missing" -- \
    "$smx" train --plot-regions "$tmp/missing/x.png"
mkdir "$tmp/dir.png"
expect_fail "a folder as the file" 1 "is a folder" -- "$smx" train --plot "$tmp/dir.png"
expect_fail "--plot-features alone" 1 "give it too" -- "$smx" train --plot-features 1,2
expect_fail "--plot-features of one" 1 "names 1 feature: give two" -- \
    "$smx" train --plot-regions "$tmp/y.png" --plot-features 1
expect_fail "--plot-features unknown" 1 "unknown feature 'petal'" -- \
    "$smx" train --plot-regions "$tmp/y.png" --plot-features petal,1
expect_fail "--plot-features twice the same" 1 "names '3' twice" -- \
    "$smx" train --plot-regions "$tmp/y.png" --plot-features 3,3
expect_fail "--plot-features out of range" 1 "unknown feature '5'" -- \
    "$smx" train --plot-regions "$tmp/y.png" --plot-features 1,5
expect_fail "--folds with --plot" 1 "--plot does not apply" -- \
    "$smx" train --folds 3 --plot "$tmp/y.png"
expect_fail "one file for two pictures" 1 "give two files" -- \
    "$smx" train --plot "$tmp/y.png" --plot-regions "$tmp/y.png"
printf 'x,class\n1,a\n2,b\n1,a\n2,b\n1,a\n2,b\n1,a\n2,b\n1,a\n2,b\n' >"$tmp/one.csv"
expect_fail "one feature" 1 "--plot-regions needs two features; the data has 1" -- \
    "$smx" train "$tmp/one.csv" --plot-regions "$tmp/y.png"
check "nothing written by the failures" test ! -e "$tmp/y.png" -a ! -e "$tmp/x.jpg"

# ---- the live progress line: on a terminal only ---------------------------
# Through a pipe (stdout and stderr): no bar, no sparkline, no carriage return.
out=$("$smx" train --epochs 50 2>&1)
check "no progress bar into a pipe" eval '[[ "$out" != *$'"'"'\r'"'"'* && "$out" != *"█"* && "$out" != *"▁"* ]]'
check "progress lines into a pipe" eval '[[ "$out" == *"epoch 50/50  loss"* ]]'
# On a terminal: the bar full at the end and a sparkline; not with --json or --quiet.
on_tty() {
    python3 - "$@" <<'PY'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=s, stderr=s)
os.close(s)
out = b""
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
p.wait()
sys.stdout.write(out.decode("utf-8"))
PY
}
tty_out=$(on_tty "$smx" train --epochs 50)
check "progress bar on a terminal" eval '[[ "$tty_out" == *"████████████ 50/50 loss"* ]]'
check "sparkline on a terminal" eval '[[ "$tty_out" =~ loss\ [0-9.]+\ [▁▂▃▄▅▆▇█]{10}\ acc ]]'
check "no progress lines on a terminal" eval '[[ "$tty_out" != *"epoch 50/50  loss"* ]]'
tty_json=$(on_tty "$smx" train --epochs 50 --json --quiet)
check "no bar with --json" eval '[[ "$tty_json" != *"█"* && "$tty_json" == *"\"test\""* ]]'
tty_quiet=$(on_tty "$smx" train --epochs 50 --quiet)
check "no bar with --quiet" eval '[[ "$tty_quiet" != *"█"* && "$tty_quiet" == *"network"* ]]'

finish
