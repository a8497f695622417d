#!/usr/bin/env bash
# The smx command's see and check groups: softmax, jacobian, explain,
# gradcheck, info, and their errors.  Usage: test_see.sh PATH/TO/smx
set -u
smx=$1
. "$(dirname "$0")/harness.sh"
iris=(1.43 -0.40 0.23)
labels=--labels=setosa,versicolor,virginica

expect_out "softmax iris" "0.684178 0.109751 0.206070" -- "$smx" softmax "${iris[@]}"
expect_out "softmax f64" "0.684178 0.109751 0.206070" -- "$smx" softmax "${iris[@]}" --f64
expect_out "softmax labels" "versicolor  0.109751" -- "$smx" softmax "${iris[@]}" "$labels"
expect_out "softmax precision" "0.68418 0.10975 0.20607" -- "$smx" softmax "${iris[@]}" --precision 5
expect_out "log-softmax" "-0.379537 -2.209537 -1.579537" -- "$smx" softmax "${iris[@]}" --log
expect_out "temperature 2" "0.512997 0.205464 0.281539" -- "$smx" softmax 1.43 -0.40 0.23 --temperature 2
expect_out "huge scores" "1.000000 0.000000 0.000000" -- "$smx" softmax 1000 0 -1000
expect_out "json" '"probabilities":' -- "$smx" softmax "${iris[@]}" --json
expect_out "stdin rows" $'0.090031 0.244728 0.665241\n0.268941 0.731059' \
    -- bash -c "printf '1 2 3\n\n4,5\n' | '$smx' softmax"
expect_out "stdin CRLF" "0.268941 0.731059" -- bash -c "printf '4,5\r\n' | '$smx' softmax -"
expect_out "CSV header skipped" "0.268941 0.731059" -- bash -c "printf 'a,b\n4,5\n' | '$smx' softmax --header"

expect_out "jacobian row" "setosa         0.216078    -0.075090    -0.140989" \
    -- "$smx" jacobian "${iris[@]}" "$labels"
expect_out "jacobian json" '"jacobian":' -- "$smx" jacobian "${iris[@]}" --json

expect_out "explain quotient rule" "setosa: 0.684178 x (1 - 0.684178) = 0.216078" \
    -- "$smx" explain "${iris[@]}" "$labels" --target setosa
expect_out "explain cross class" "-0.684178 x 0.109751 = -0.075090" \
    -- "$smx" explain "${iris[@]}" "$labels" --target setosa
expect_out "explain backward" "dz = -0.315822 0.109751 0.206070" \
    -- "$smx" explain "${iris[@]}" "$labels" --target setosa
expect_out "explain grad" "dz = " -- "$smx" explain "${iris[@]}" --grad 1,0,0
expect_out "explain json" '"max_difference":' -- "$smx" explain "${iris[@]}" --json --f64
width=$("$smx" explain "${iris[@]}" "$labels" --target setosa | awk '{ if (length > w) w = length } END { print w }')
if [ "$width" -le 80 ]; then passed=$((passed + 1)); else fail "explain is $width columns wide"; fi

expect_out "gradcheck" "all checks passed" -- "$smx" gradcheck
expect_out "gradcheck json" $'"passed":\ttrue' -- "$smx" gradcheck --json
expect_out "version" "smx 0." -- "$smx" --version
# every operation, the NLL loss and soft targets too, runs on the path in use
# (the table's columns squeezed to one space: their width follows the names)
path=$("$smx" info | sed -n 's/^path: *\([a-z0-9]*\) .*/\1/p')
expect_out "info nll" " nll_loss $path $path" -- bash -c "'$smx' info | tr -s ' '"
expect_out "info soft" " cross_entropy_soft $path $path" -- bash -c "'$smx' info | tr -s ' '"
expect_out "info masked backward" " log_softmax_masked_backward $path $path" \
    -- bash -c "'$smx' info | tr -s ' '"
expect_out "info scalar" " nll_loss scalar scalar" -- bash -c "SMX_ISA=scalar '$smx' info | tr -s ' '"
expect_out "info path" "path:    scalar" -- env SMX_ISA=scalar "$smx" info
expect_out "info threads" "threads: 3 (SMX_NUM_THREADS=3)" -- env SMX_NUM_THREADS=3 "$smx" info
expect_out "info bad SMX_ISA" "smx: SMX_ISA=mmx: not one of scalar, avx2, avx512, neon" \
    -- bash -c "SMX_ISA=mmx '$smx' info 2>&1"
expect_out "info json" '"isa":	"scalar"' -- env SMX_ISA=scalar "$smx" info --json
expect_out "help" "usage: smx softmax" -- "$smx" softmax --help

expect_fail "no scores for jacobian" 1 "needs at least 1 score" -- "$smx" jacobian
expect_fail "label count" 1 "2 labels for 3 scores" -- "$smx" softmax "${iris[@]}" --labels a,b
expect_out "blanks around labels dropped" "versicolor  0.109751" \
    -- "$smx" softmax "${iris[@]}" --labels "setosa, versicolor ,virginica"
expect_out "a target among spaced labels" "target c = b:" \
    -- "$smx" explain "${iris[@]}" --labels "a, b ,c" --target b
expect_fail "an empty label" 1 "3 labels for 2 scores" -- "$smx" softmax 1 2 --labels "a,,b"
expect_fail "bad temperature" 1 "bad --temperature" -- "$smx" softmax 1 2 --temperature 0
expect_fail "unknown option" 2 "unknown option '--bogus'" -- "$smx" softmax 1 2 --bogus
expect_fail "unknown command" 2 "unknown command 'frobnicate'" -- "$smx" frobnicate
expect_fail "bad stdin cell" 1 "'x' is not a number (<stdin>:2:3)" \
    -- bash -c "printf '1 2\n3 x\n' | '$smx' softmax"
expect_fail "missing file" 1 "cannot open 'no-such-file.csv'" -- "$smx" softmax no-such-file.csv
expect_fail "unknown target" 1 "unknown --target 'rose'" -- "$smx" explain "${iris[@]}" "$labels" --target rose

finish
