#!/usr/bin/env bash
# No silent wrong answers: every input the smx command cannot compute
# exactly gives an error naming the argument, the line and column, or the
# option; the special values give what the library defines and say so;
# nothing is ignored without a word.  Usage: test_strict.sh PATH/TO/smx
set -u
smx=$1
here=$(dirname "$0")
. "$here/harness.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
iris=$here/../../data/iris.csv

# expect_err NAME TEXT -- CMD...: exit 0, and stderr holds TEXT
expect_err() {
    local name=$1 want=$2
    shift 3
    local err rc
    err=$("$@" 2>&1 >/dev/null) && rc=0 || rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name: exit $rc, stderr: $err"
    elif [[ "$err" != *"$want"* ]]; then
        fail "$name: stderr lacks '$want'; got: $err"
    else
        passed=$((passed + 1))
    fi
}

# check NAME CONDITION-COMMAND...: the command succeeds
check() {
    local name=$1
    shift
    if "$@"; then passed=$((passed + 1)); else fail "$name"; fi
}

# ---- score arguments ------------------------------------------------------
expect_fail "non-number argument" 1 "score argument 1 'abc' is not a number" \
    -- "$smx" softmax abc 1
expect_fail "non-number among scores" 1 "score argument 3 'extra' is not a number" \
    -- "$smx" softmax 1 2 extra
expect_fail "non-number for jacobian" 1 "score argument 2 '1,2' is not a number" \
    -- "$smx" jacobian 1 1,2
expect_out "nan accepted" "nan nan nan" -- "$smx" softmax NaN 1 2
expect_err "nan explained" "a NaN score makes its whole row NaN" -- "$smx" softmax NaN 1 2
expect_out "-inf is a score, probability 0" "0.000000 0.268941 0.731059" -- "$smx" softmax -inf 1 2
expect_err "-inf explained" "a -inf score gets probability exactly 0" -- "$smx" softmax -inf 1 2
expect_out "-inf in the jacobian" "z2      -0.000000     0.196612    -0.196612" -- "$smx" jacobian -inf 1 2
expect_out "+inf accepted" "nan nan" -- "$smx" softmax inf 1
expect_err "+inf explained" "a +inf score makes its whole row NaN" -- "$smx" softmax inf 1
expect_out "underflow reads as 0" "0.268941 0.731059" -- "$smx" softmax 1e-400 1
expect_fail "beyond float" 1 "score argument 1 '1e39' is beyond the range of float" \
    -- "$smx" softmax 1e39 1
expect_out "in double's range with --f64" "1.000000 0.000000" -- "$smx" softmax 1e39 1 --f64
expect_fail "beyond double" 1 "score argument 2 '1e309' is beyond the range of double" \
    -- "$smx" softmax 1 1e309 --f64
expect_fail "jacobian beyond float" 1 "beyond the range of float" -- "$smx" jacobian 1e39 1
expect_fail "explain beyond float" 1 "beyond the range of float" -- "$smx" explain 1e39 1
expect_fail "overflow by the temperature" 1 \
    "score argument 1 '1e300' divided by the temperature 1e-10 is beyond the range of double" \
    -- "$smx" softmax 1e300 1 --f64 --temperature 1e-10
expect_fail "temperature beyond float" 1 "1/T is beyond the range of float" \
    -- "$smx" softmax 1 2 --temperature 1e-40
expect_out "temperature in float's range" "0.000000 1.000000" -- "$smx" softmax 1 2 --temperature 1e-30
expect_fail "an unknown dash word" 2 "unknown option '-x'" -- "$smx" softmax 1 -x
expect_fail "explain of a target of probability 0" 1 "the probability of --target z1 is 0" \
    -- "$smx" explain -inf 1 2 --target 1
expect_fail "... or one that underflows" 1 "the probability of --target z2 is 0" \
    -- "$smx" explain 1000 0 --target 2
width=$("$smx" explain 1e30 1e30 --f64 | awk '{ if (length > w) w = length } END { print w }')
check "explain of huge scores fits 80 columns ($width)" [ "$width" -le 80 ]
# Overflow never prints NaN with status 0.
for args in "softmax 1e39 1" "jacobian 1e39 1" "softmax 1e300 1 --f64 --temperature 1e-10" \
    "explain 3e38 -3e38 --temperature 1e-30"; do
    out=$("$smx" $args 2>/dev/null) && rc=0 || rc=$?
    if [ "$rc" -eq 0 ] && [[ "$out" == *nan* ]]; then fail "smx $args: NaN with status 0"; else passed=$((passed + 1)); fi
done

# ---- scores from standard input or a file ---------------------------------
sm() { printf -- "$1" | "$smx" softmax "${@:2}"; }
expect_fail "a first line of names" 1 "'a' is not a number (<stdin>:1:1)" -- sm 'a,b\n4,5\n'
expect_fail "... with the hint" 1 "--header skips it" -- sm 'a,b\n4,5\n'
expect_out "--header skips it" "0.268941 0.731059" -- sm 'a,b\n4,5\n' --header
expect_out "nan line" $'0.268941 0.731059\nnan nan' -- bash -c "printf '1,2\\nnan,1\\n' | '$smx' softmax 2>/dev/null"
expect_fail "';' separator" 1 "'1;2' is not a number (<stdin>:2:1)" -- sm '3 4\n1;2\n'
expect_fail "... with the hint" 1 "';' is not a separator" -- sm '1;2\n'
expect_out "underflow line" "0.268941 0.731059" -- sm '1e-400,1\n'
expect_fail "NUL byte" 1 "NUL byte (<stdin>:2:4)" -- sm '1 2\n1,2\0003\n'
expect_fail "a directory" 1 "cannot read $tmp: Is a directory" -- "$smx" softmax "$tmp"
expect_fail "empty cell" 1 "empty cell before ',' (<stdin>:1:3)" -- sm '1,,2\n'
expect_fail "trailing comma" 1 "nothing after ',' (<stdin>:1:4)" -- sm '1,2,\n'
expect_fail "beyond float on a line" 1 "'1e39' is beyond the range of float (3.4e38; --f64 computes in double) (<stdin>:2:3)" \
    -- sm '1 2\n1 1e39\n'
expect_fail "overflow by the temperature on a line" 1 "divided by the temperature" \
    -- sm '1e300 1\n' --f64 --temperature 1e-10
long=$(printf '1%.0s' $(seq 300))
expect_fail "a long number" 1 "is longer than 255 characters (<stdin>:1:3)" -- sm "1 $long\n"
expect_fail "a long argument" 1 "is longer than 255 characters" -- "$smx" softmax 1 "$long"
expect_err "specials explained once" "a -inf score gets" -- sm '-inf 1\n-inf 2\n'
notes=$(printf -- '-inf 1\n-inf 2\n' | "$smx" softmax 2>&1 >/dev/null | grep -c 'a -inf score')
check "a note once per kind, not per line ($notes)" [ "$notes" -eq 1 ]
# Every line gives a row or an error: as many rows out as lines in.
printf '1 2\n3,4\n-inf 0\n nan ,1\n1e-400 0\n5\t6\r\n' >"$tmp/rows.txt"
rows=$("$smx" softmax "$tmp/rows.txt" 2>/dev/null | wc -l)
check "6 lines, 6 rows ($rows)" [ "$rows" -eq 6 ]

# ---- predict writes CSV that a CSV reader reads back ------------------------
python3 - "$iris" "$tmp/quoted.csv" <<'PY'
import csv, sys
names = {"setosa": "Iris setosa, L.", "versicolor": 'versi"color', "virginica": "virginica"}
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as g:
    r, w = csv.reader(f), csv.writer(g)
    w.writerow(next(r))
    for row in r:
        w.writerow(row[:-1] + [names[row[-1]]])
PY
"$smx" train "$tmp/quoted.csv" --quiet --epochs 50 --save "$tmp/quoted.safetensors" >/dev/null
"$smx" predict "$tmp/quoted.safetensors" "$tmp/quoted.csv" >"$tmp/predicted.csv"
if python3 - "$tmp/predicted.csv" <<'PY'; then passed=$((passed + 1)); else fail "predict CSV does not read back"; fi
import csv, sys
classes = ["Iris setosa, L.", 'versi"color', "virginica"]
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f, strict=True))
assert rows[0] == ["class"] + classes, rows[0]
assert len(rows) == 151, len(rows)
for row in rows[1:]:
    assert len(row) == 4 and row[0] in classes, row
    assert abs(sum(float(p) for p in row[1:]) - 1) < 1e-5, row
PY

# ---- options and arguments are never ignored --------------------------------
expect_fail "--val-fraction 0 with --patience" 1 "--patience needs validation rows" \
    -- "$smx" train --patience 5 --val-fraction 0
expect_fail "--val-fraction without --patience" 1 "give --patience too" \
    -- "$smx" train --val-fraction 0.3
expect_fail "extra train argument" 2 "unexpected argument 'b.csv'" -- "$smx" train "$iris" b.csv
expect_fail "extra predict argument" 2 "unexpected argument 'c.csv'" -- "$smx" predict m a.csv c.csv
expect_fail "extra eval argument" 2 "unexpected argument 'c.csv'" -- "$smx" eval m a.csv c.csv
expect_fail "extra gradcheck argument" 2 "unexpected argument 'now'" -- "$smx" gradcheck now
expect_fail "extra info argument" 2 "unexpected argument 'all'" -- "$smx" info all
cp "$iris" "$tmp/data.csv"
expect_fail "--save onto the data" 1 "would overwrite the training data" \
    -- "$smx" train "$tmp/data.csv" --quiet --save "$tmp/data.csv"
expect_fail "--save onto the data by another name" 1 "would overwrite the training data" \
    -- "$smx" train "$tmp/data.csv" --quiet --save "$tmp/../$(basename "$tmp")/data.csv"
check "the data is intact" cmp -s "$iris" "$tmp/data.csv"
for v in 0 abc -2 1.5; do
    err=$(SMX_NUM_THREADS=$v "$smx" softmax 1 2 2>&1 >/dev/null)
    n=$(printf '%s\n' "$err" | grep -c "SMX_NUM_THREADS=$v is not a whole number >= 1")
    check "SMX_NUM_THREADS=$v: warned once ($n)" [ "$n" -eq 1 ]
done
err=$(SMX_NUM_THREADS=2 "$smx" softmax 1 2 2>&1 >/dev/null)
check "SMX_NUM_THREADS=2: no warning ($err)" [ -z "$err" ]

# ---- messages -----------------------------------------------------------------
printf 'a,b,class\n1,2,x\n3,%s,y\n' "$long" >"$tmp/long.csv"
expect_fail "a long number in a CSV" 1 "is longer than 255 characters (" -- "$smx" train "$tmp/long.csv"
printf 'a,b,class\n1,2,x\n3,\0004,y\n' >"$tmp/nul.csv"
expect_fail "a NUL byte by line and column" 1 "NUL byte at line 3, column 3" -- "$smx" train "$tmp/nul.csv"
err=$("$smx" softmax 1 -q 2>&1)
check "no literal %s in a hint ($err)" eval '[[ "$err" != *%s* && "$err" == *"smx softmax --help"* ]]'
"$smx" train --quiet --save "$tmp/iris.safetensors" >/dev/null
expect_fail "eval on stdin is <stdin>" 1 "in <stdin>" \
    -- bash -c "cut -d, -f1-4 '$iris' | '$smx' eval '$tmp/iris.safetensors' -"
expect_out "1 row" "1 row  cross-entropy" -- bash -c "head -2 '$iris' | '$smx' eval '$tmp/iris.safetensors' -"
expect_out "1 epoch" "1 epoch in" -- "$smx" train --quiet --epochs 1
expect_err "1 feature" "1 feature, 2 classes" \
    -- bash -c "printf 'a,c\n1,x\n2,y\n1,x\n2,y\n1,x\n2,y\n1,x\n2,y\n1,x\n2,y\n' > '$tmp/one.csv'; '$smx' train '$tmp/one.csv' --epochs 2 --test-fraction 0.4"
# Ten setosa flowers: the other classes are never predicted (no precision)
# and absent (no recall).
expect_out "n/a for a class never predicted" "virginica         n/a     n/a" \
    -- bash -c "head -11 '$iris' | '$smx' eval '$tmp/iris.safetensors' -"
check "null in JSON" bash -c "head -11 '$iris' | '$smx' eval '$tmp/iris.safetensors' - --json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"precision\"][2] is None and d[\"precision\"][0] == 1'"
expect_out "no hidden layer" "network 4-3 (no hidden layer)" -- "$smx" train --quiet --hidden none --epochs 5

# ---- help and docs ------------------------------------------------------------
expect_out "-h" "usage: smx COMMAND" -- "$smx" -h
expect_out "-V" "smx 0." -- "$smx" -V
expect_out "softmax -h" "usage: smx softmax" -- "$smx" softmax -h
expect_out "help train" "usage: smx train" -- "$smx" help train
expect_out "help train options" "--epochs N" -- "$smx" help train
expect_fail "help of nothing" 2 "unknown command 'nope'" -- "$smx" help nope
commands="softmax jacobian explain gradcheck train predict eval info"
help_of() { if [ -z "$1" ]; then "$smx" --help; else "$smx" "$1" --help; fi; }
for c in "" $commands; do
    width=$(help_of "$c" | awk '{ if (length > w) w = length } END { print w }')
    check "smx $c --help fits 80 columns ($width)" [ "$width" -le 80 ]
    out=$(help_of "$c")
    check "smx $c --help names what each value holds" eval '[[ "$out" != *VALUE* ]]'
done
width=$("$smx" explain 1.43 -0.40 0.23 0.5 -1 --labels setosa,versicolor,virginica,hybrid,unknown |
    awk '{ if (length > w) w = length } END { print w }')
check "explain of 5 scores fits 80 columns ($width)" [ "$width" -le 80 ]
# ---- labels: checked once, where the data is read ------------------------
# A bad label gives one error line, naming the file and line, and nothing
# else (the trainer does not report it again).
# expect_one_error NAME TEXT -- CMD...: exit 1, stderr is exactly one line holding TEXT
expect_one_error() {
    local name=$1 want=$2
    shift 3
    local err rc
    err=$("$@" 2>&1 >/dev/null) && rc=0 || rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "$name: exit $rc, expected 1; stderr: $err"
    elif [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ "$err" != *"$want"* ]]; then
        fail "$name: stderr is not one line holding '$want'; got: $err"
    else
        passed=$((passed + 1))
    fi
}
printf 'a,b,species\n1,2,x\n3,4,\n5,6,y\n7,8,x\n' >"$tmp/no_label.csv"
expect_one_error "train: missing label" "missing class label in target column 3 \"species\" ($tmp/no_label.csv:3)" \
    -- "$smx" train "$tmp/no_label.csv" --quiet
head -4 "$iris" | sed '4s/setosa$/rosa/' >"$tmp/unknown_label.csv"
expect_one_error "eval: unknown label" "class \"rosa\" in target column 5 \"species\" is not one of the model's 3 classes ($tmp/unknown_label.csv:4)" \
    -- "$smx" eval "$tmp/iris.safetensors" "$tmp/unknown_label.csv"

# The README and the man page list every option of every command.
for c in $commands; do
    for opt in $("$smx" "$c" --help | sed -n 's/^  --\([a-z0-9-]*\).*/\1/p'); do
        [ "$opt" = help ] && continue
        man=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        check "docs/smx.1 lists $c --$opt" grep -q -- "\\\\-\\\\-$man" "$here/../../docs/smx.1"
        check "README.md lists $c --$opt" grep -q -- "--$opt" "$here/../../README.md"
    done
done

finish
