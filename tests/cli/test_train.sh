#!/usr/bin/env bash
# The smx command's train group: train, predict, eval, the model file and
# every bad-input case.  Usage: test_train.sh PATH/TO/smx
set -u
smx=$1
here=$(dirname "$0")
. "$here/harness.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
iris=$here/../../data/iris.csv # the 150 flowers the embedded data holds

# Default training on the embedded data: >= 93 % for the default seed.
out=$("$smx" train --json --quiet)
acc=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["test"]["accuracy"])')
if python3 -c "import sys; sys.exit(0 if $acc >= 0.93 else 1)"; then passed=$((passed + 1)); else fail "default test accuracy $acc < 0.93"; fi
# ... and a mean >= 94 % over the seeds 1..10.
mean=$(for s in 1 2 3 4 5 6 7 8 9 10; do "$smx" train --json --quiet --seed "$s"; done |
    python3 -c 'import json,sys
d=json.JSONDecoder(); t=sys.stdin.read(); i=0; a=[]
while i < len(t):
    t2=t[i:].lstrip()
    if not t2: break
    o,n=d.raw_decode(t2); a.append(o["test"]["accuracy"]); i=len(t)-len(t2)+n
print(sum(a)/len(a))')
if python3 -c "import sys; sys.exit(0 if $mean >= 0.94 else 1)"; then passed=$((passed + 1)); else fail "mean test accuracy over seeds 1..10 is $mean < 0.94"; fi

expect_out "text report" "confusion matrix (test rows" -- "$smx" train --quiet
expect_out "per-class recall" "per class   precision  recall" -- "$smx" train --quiet
expect_out "mse learns iris" "test        30" -- "$smx" train --quiet --loss mse
mse_acc=$("$smx" train --quiet --loss mse --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["test"]["accuracy"])')
if python3 -c "import sys; sys.exit(0 if $mse_acc >= 0.9 else 1)"; then passed=$((passed + 1)); else fail "mse test accuracy $mse_acc < 0.9"; fi
expect_out "progress lines" "epoch 300/300" -- bash -c "'$smx' train --every 100 2>&1 >/dev/null"
quiet=$("$smx" train --quiet 2>&1 >/dev/null)
if [ -z "$quiet" ]; then passed=$((passed + 1)); else fail "--quiet printed: $quiet"; fi
expect_out "options" "network 4-8-8-3 (tanh)" -- "$smx" train --quiet --hidden 8,8 --activation tanh --optimizer momentum --lr 0.05
expect_out "early stopping" "epochs in" -- "$smx" train --quiet --patience 10 --epochs 2000
expect_out "from CSV" "test        30" -- "$smx" train "$iris" --quiet
expect_out "target by name" "test        30" -- "$smx" train "$iris" --quiet --target species

# Reproducible: the same seed gives the same file, byte for byte.
"$smx" train --quiet --save "$tmp/a.safetensors" --seed 5 >/dev/null
"$smx" train --quiet --save "$tmp/b.safetensors" --seed 5 >/dev/null
"$smx" train --quiet --save "$tmp/c.safetensors" --seed 6 >/dev/null
if cmp -s "$tmp/a.safetensors" "$tmp/b.safetensors"; then passed=$((passed + 1)); else fail "same seed, different models"; fi
if ! cmp -s "$tmp/a.safetensors" "$tmp/c.safetensors"; then passed=$((passed + 1)); else fail "different seeds, same model"; fi

# predict and eval; the file evaluated by hand gives the same predictions.
expect_out "predict" "class,setosa,versicolor,virginica" -- "$smx" predict "$tmp/a.safetensors" "$iris"
expect_out "predict stdin" "setosa," -- bash -c "head -3 '$iris' | '$smx' predict '$tmp/a.safetensors' -"
expect_out "predict json" '"predictions":' -- "$smx" predict "$tmp/a.safetensors" "$iris" --json
expect_out "eval" "150 rows  cross-entropy" -- "$smx" eval "$tmp/a.safetensors" "$iris"
expect_out "eval json" '"confusion":' -- "$smx" eval "$tmp/a.safetensors" "$iris" --json
"$smx" predict "$tmp/a.safetensors" "$iris" >"$tmp/smx.out"
python3 "$here/eval_by_hand.py" "$tmp/a.safetensors" "$iris" >"$tmp/hand.out"
if python3 - "$tmp/smx.out" "$tmp/hand.out" <<'PY'; then passed=$((passed + 1)); else fail "hand evaluation differs from smx predict"; fi
import sys
a = open(sys.argv[1]).read().split("\n"); b = open(sys.argv[2]).read().split("\n")
assert len(a) == len(b) and a[0] == b[0], "headers or row counts differ"
for x, y in zip(a[1:], b[1:]):
    if not x: continue
    xs, ys = x.split(","), y.split(",")
    assert xs[0] == ys[0], (x, y)
    assert all(abs(float(p) - float(q)) <= 2e-6 for p, q in zip(xs[1:], ys[1:])), (x, y)
PY
# Save, load, predict: the same bits as the model in memory (train --json
# reports it; predict of the loaded file must match a second load exactly).
"$smx" predict "$tmp/a.safetensors" "$iris" --precision 9 >"$tmp/p1"
"$smx" predict "$tmp/b.safetensors" "$iris" --precision 9 >"$tmp/p2"
if cmp -s "$tmp/p1" "$tmp/p2"; then passed=$((passed + 1)); else fail "predictions differ between identical models"; fi

# Bad input: a clear message naming the place, a non-zero exit, no crash.
printf '' >"$tmp/empty.csv"
printf 'a,b,class\n1,2,x\n3,4\n' >"$tmp/ragged.csv"
printf 'a,b,class\n1,2,x\n3,oops,y\n' >"$tmp/nonnum.csv"
printf 'a,b,class\n1,2,x\n3,,y\n' >"$tmp/missing.csv"
printf 'a,b,class\n1,2,x\n3,4,x\n' >"$tmp/oneclass.csv"
printf 'a,b,class\n' >"$tmp/header.csv"
printf '\xef\xbb\xbfa,b,class\r\n1,2,x\r\n3,4,y\r\n5,6,x\r\n7,8,y\r\n1,3,x\r\n3,5,y\r\n2,2,x\r\n4,4,y\r\n1,1,x\r\n5,5,y\r\n' >"$tmp/crlf.csv"
truncate -s 1100M "$tmp/huge.csv"
expect_fail "missing file" 1 "no-such.csv" -- "$smx" train "$tmp/no-such.csv"
expect_fail "empty file" 1 "empty.csv" -- "$smx" train "$tmp/empty.csv"
expect_fail "header only" 1 "header.csv" -- "$smx" train "$tmp/header.csv"
expect_fail "ragged row" 1 "ragged.csv:3" -- "$smx" train "$tmp/ragged.csv"
expect_fail "non-numeric cell" 1 "nonnum.csv:3" -- "$smx" train "$tmp/nonnum.csv"
expect_fail "missing cell" 1 "missing.csv:3" -- "$smx" train "$tmp/missing.csv"
expect_fail "single class" 1 "class" -- "$smx" train "$tmp/oneclass.csv"
expect_fail "huge file" 1 "huge.csv" -- "$smx" train "$tmp/huge.csv"
expect_fail "unknown target" 1 "nope" -- "$smx" train "$iris" --target nope
expect_out "CRLF and BOM" "test" -- "$smx" train "$tmp/crlf.csv" --quiet --test-fraction 0.4
expect_fail "bad lr" 1 "bad --lr" -- "$smx" train --lr -1
expect_fail "bad activation" 1 "unknown --activation 'gelu'" -- "$smx" train --activation gelu
expect_fail "bad hidden" 1 "bad --hidden width 'x'" -- "$smx" train --hidden 4,x

# Bad model files: truncated, not a model, a missing one.
head -c 100 "$tmp/a.safetensors" >"$tmp/trunc.safetensors"
printf 'not a model at all' >"$tmp/junk.safetensors"
expect_fail "truncated model" 1 "trunc.safetensors" -- "$smx" predict "$tmp/trunc.safetensors" "$iris"
expect_fail "junk model" 1 "junk.safetensors" -- "$smx" predict "$tmp/junk.safetensors" "$iris"
expect_fail "missing model" 1 "none.safetensors" -- "$smx" eval "$tmp/none.safetensors" "$iris"
expect_fail "eval without labels" 1 "no target column" -- bash -c "cut -d, -f1-4 '$iris' > '$tmp/nolabel.csv'; '$smx' eval '$tmp/a.safetensors' '$tmp/nolabel.csv'"

finish
