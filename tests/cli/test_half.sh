#!/usr/bin/env bash
# smx softmax and smx explain in bf16 and f16 (--bf16, --f16): the values
# printed against an independent computation in Python (f16 rounding by
# struct's 'e' format, bf16 rounding by bit manipulation of the double,
# the softmax in double with math.fsum), the notes on rounded scores, the
# errors.  Usage: test_half.sh PATH/TO/smx
set -u
smx=$1
here=$(dirname "$0")
. "$here/harness.sh"

# check NAME CONDITION-COMMAND...: the command succeeds
check() {
    local name=$1
    shift
    if "$@"; then passed=$((passed + 1)); else fail "$name"; fi
}

# The reference: prints, for FORMAT and the scores (and a temperature T),
# the line smx softmax prints (each probability rounded once to the
# format, as the shortest decimal that reads back as it).
reference() {
    python3 "$here/half_reference.py" "$@"
}

# ---- softmax: values against the reference ---------------------------------
for fmt in f16 bf16; do
    for scores in "1.43 -0.40 0.23" "0.1 0.2 0.3 0.4" "-3 0 3 7.5" "1 2 3 4 5 6 7 8" \
        "0 -inf 1" "100 101 99.5"; do
        want=$(reference "$fmt" softmax 1 $scores)
        got=$("$smx" softmax $scores --$fmt 2>/dev/null)
        check "softmax --$fmt $scores: '$got', want '$want'" [ "$got" = "$want" ]
        want=$(reference "$fmt" log 1 $scores)
        got=$("$smx" softmax $scores --$fmt --log 2>/dev/null)
        check "softmax --$fmt --log $scores: '$got', want '$want'" [ "$got" = "$want" ]
    done
    want=$(reference "$fmt" softmax 3 1 2 0.5)
    got=$("$smx" softmax 1 2 0.5 --$fmt --temperature 3 2>/dev/null)
    check "softmax --$fmt --temperature 3: '$got', want '$want'" [ "$got" = "$want" ]
done
# Known values, written out: f16 has 11 significant bits, bf16 8.
expect_out "f16 iris" "0.684 0.1098 0.206" -- "$smx" softmax 1.43 -0.40 0.23 --f16
expect_out "bf16 iris" "0.684 0.11 0.206" -- "$smx" softmax 1.43 -0.40 0.23 --bf16
expect_out "f16 with labels" "b     0.525" -- "$smx" softmax 0.1 0.2 --f16 --labels a,b
expect_out "--precision prints fixed digits" "0.68408203 0.10980225 0.20605469" \
    -- "$smx" softmax 1.43 -0.40 0.23 --f16 --precision 8
expect_out "-inf gets 0 in f16" "0 0.269 0.731" -- "$smx" softmax -inf 1 2 --f16
expect_out "json format" '"format":	"bf16"' -- "$smx" softmax 1 2 --bf16 --json
expect_out "json probabilities are the half values" '"probabilities":	[0.26904296875, 0.73095703125]' \
    -- "$smx" softmax 1 2 --f16 --json

# ---- rows from standard input ------------------------------------------------
want=$(printf '%s\n%s\n' "$(reference bf16 softmax 1 0.1 1)" "$(reference bf16 softmax 1 2 3 5)")
got=$(printf '0.1,1\n2 3 5\n' | "$smx" softmax --bf16 2>/dev/null)
check "bf16 rows from stdin: '$got', want '$want'" [ "$got" = "$want" ]
expect_out "a note on the first rounded score of a file" \
    "note: scores are rounded to f16: 0.1 is 0.0999755859375 (<stdin>:2)" \
    -- bash -c "printf '1 2\n0.1 1\n0.3 1\n' | '$smx' softmax --f16 2>&1 >/dev/null"
expect_fail "a row beyond f16" 1 "score 2 of the row, 70000, is beyond the range of f16 (65504) (<stdin>:2)" \
    -- bash -c "printf '1 2\n3 70000\n' | '$smx' softmax --f16"

# ---- the scores are rounded, and a note says so ------------------------------
for fmt in f16 bf16; do
    for score in 0.1 1.43 -0.40 12345.6 0.3333; do
        want=$(python3 "$here/half_reference.py" "$fmt" exact 1 "$score")
        expect_out "note for $score in $fmt" "note: score $score is $want in $fmt" \
            -- bash -c "'$smx' softmax '$score' 1 --$fmt 2>&1 >/dev/null"
    done
done
expect_out "f16 0.1" "note: score 0.1 is 0.0999755859375 in f16" \
    -- bash -c "'$smx' softmax 0.1 1 --f16 2>&1 >/dev/null"
notes=$("$smx" softmax 0.5 0.25 1 --f16 2>&1 >/dev/null)
check "no note for scores the format holds ($notes)" [ -z "$notes" ]
expect_out "65519 rounds to f16's largest" "note: score 65519 is 65504 in f16" \
    -- bash -c "'$smx' softmax 65519 1 --f16 2>&1 >/dev/null"

# ---- errors --------------------------------------------------------------------
expect_fail "--bf16 with --f64" 2 "--f64 and --bf16 exclude each other" \
    -- "$smx" softmax 1 2 --bf16 --f64
expect_fail "--f16 with --f64" 2 "--f64 and --f16 exclude each other" \
    -- "$smx" explain 1 2 --f64 --f16
expect_fail "--bf16 with --f16" 2 "--bf16 and --f16 exclude each other" \
    -- "$smx" softmax 1 2 --f16 --bf16
expect_fail "beyond f16" 1 "score argument 1 '70000' is beyond the range of f16 (65504)" \
    -- "$smx" softmax 70000 1 --f16
expect_fail "65520 rounds to inf in f16" 1 "score argument 2 '-65520' is beyond the range of f16" \
    -- "$smx" softmax 1 -65520 --f16
expect_fail "beyond bf16, within float" 1 "score argument 1 '3.4e38' is beyond the range of bf16" \
    -- "$smx" softmax 3.4e38 1 --bf16
expect_fail "beyond bf16 and float" 1 "score argument 2 '1e39' is beyond the range of bf16" \
    -- "$smx" explain 1 1e39 --bf16
expect_fail "beyond double, with --f16" 1 "score argument 1 '1e309' is beyond the range of f16" \
    -- "$smx" softmax 1e309 1 --f16
expect_out "bf16's largest is a score" "0 1" -- "$smx" softmax 1 3.38e38 --bf16
expect_fail "the Jacobian has no half form" 2 "unknown option '--f16' for 'smx jacobian'" \
    -- "$smx" jacobian 1 2 --f16
for args in "softmax 70000 1 --f16" "explain 1 3.4e38 --bf16"; do
    out=$("$smx" $args 2>/dev/null) && rc=0 || rc=$?
    check "smx $args: no output, status 1 ($rc: $out)" [ "$rc" -eq 1 -a -z "$out" ]
done

# ---- explain: each probability against the exact one, in ulp -----------------
for fmt in f16 bf16; do
    for scores in "1.43 -0.40 0.23" "0.1 0.2 0.3 0.4 0.5" "2 -1 0.5"; do
        out=$("$smx" explain $scores --$fmt --labels "$(echo $scores | tr ' ' '\n' | sed 's/^/c/' | paste -sd,)" 2>&1)
        check "explain --$fmt $scores: the ulp lines" \
            python3 "$here/half_reference.py" "$fmt" explain-text 1 $scores <<<"$out"
        width=$(printf '%s\n' "$out" | awk '{ if (length > w) w = length } END { print w }')
        check "explain --$fmt $scores fits 80 columns ($width)" [ "$width" -le 80 ]
        check "explain --$fmt $scores --json" bash -c \
            "'$smx' explain $scores --$fmt --json 2>/dev/null | python3 '$here/half_reference.py' $fmt explain-json 1 $scores"
    done
done
expect_out "explain step 0" "0. Round each score to f16 (11 significant bits" \
    -- "$smx" explain 1.43 -0.40 0.23 --f16
expect_out "explain step 0 line" "z1    1.43 is 1.4296875" -- "$smx" explain 1.43 -0.40 0.23 --f16
expect_out "explain of exact scores" "0. Every score is a value of bf16 (8 significant bits) as given." \
    -- "$smx" explain 1 2 0.5 --bf16
expect_out "explain ulp line" "z1    0.684 (exact 0.6841059684...; 0.05 ulp below)" \
    -- "$smx" explain 1.43 -0.40 0.23 --f16
width=$("$smx" explain 1.43 -0.40 0.23 0.5 -1 --f16 \
    --labels setosa,versicolor,virginica,hybrid,unknown | awk '{ if (length > w) w = length } END { print w }')
check "explain --f16 of 5 scores fits 80 columns ($width)" [ "$width" -le 80 ]
width=$("$smx" explain 1e-30 3.3e38 -1e-40 0.3 -5 --bf16 --labels abcdefghijklmnopqrstuvwx,b,c,d,e |
    sed -n '/^0\./,/^1\./p;/In bf16/,/derivative below/p' | awk '{ if (length > w) w = length } END { print w }')
check "explain --bf16 rounding lines of long labels and numbers fit 80 columns ($width)" [ "$width" -le 80 ]

# ---- help and docs ---------------------------------------------------------------
expect_out "softmax --help" "--bf16" -- "$smx" softmax --help
expect_out "explain --help" "--f16" -- "$smx" explain --help

finish
