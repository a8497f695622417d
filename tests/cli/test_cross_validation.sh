#!/usr/bin/env bash
# smx train --folds (stratified K-fold cross-validation), --class-weight
# (the cross-entropy's class weights) and the macro-F1 of train and eval,
# each checked against its definition recomputed in Python from the
# confusion matrices the command prints.  Usage: test_cross_validation.sh PATH/TO/smx
set -u
smx=$1
here=$(dirname "$0")
. "$here/harness.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
iris=$here/../../data/iris.csv

# py NAME SCRIPT [ARGS...]: the Python check passes (reads JSON on stdin)
py() {
    local name=$1
    shift
    if python3 -c "$@"; then passed=$((passed + 1)); else fail "$name"; fi
}

# ---- --folds ----------------------------------------------------------------
"$smx" train --folds 5 --json >"$tmp/folds.json"
py "5 stratified folds of the 150 flowers" '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["per_fold"]
assert d["folds"] == 5 and len(f) == 5
for k, o in enumerate(f):
    assert o["fold"] == k + 1 and o["train_rows"] == 120 and o["test"]["rows"] == 30, o
    # every class 10 times in every test fold: the row sums of the confusion matrix
    assert [sum(r) for r in o["test"]["confusion"]] == [10, 10, 10], o["test"]["confusion"]
    c = o["test"]["confusion"]
    assert abs(o["test"]["accuracy"] - sum(c[i][i] for i in range(3)) / 30) < 1e-15
' "$tmp/folds.json"
py "mean and population std of the fold accuracies and macro-F1s" '
import json, math, sys
d = json.load(open(sys.argv[1]))
for key in ("accuracy", "macro_f1"):
    v = [o["test"][key] for o in d["per_fold"]]
    m = sum(v) / len(v)
    s = math.sqrt(sum((x - m) ** 2 for x in v) / len(v))
    assert abs(d[key + "_mean"] - m) < 1e-12 and abs(d[key + "_std"] - s) < 1e-12, (key, v)
assert d["accuracy_mean"] >= 0.9, d["accuracy_mean"]
' "$tmp/folds.json"
"$smx" train --folds 5 --json >"$tmp/folds2.json"
if cmp -s "$tmp/folds.json" "$tmp/folds2.json"; then passed=$((passed + 1)); else fail "--folds is not reproducible"; fi
expect_out "folds text" "5-fold stratified cross-validation" -- "$smx" train --folds 5 --quiet
expect_out "folds mean line" "mean " -- "$smx" train --folds 3 --quiet
# Uneven classes: 7 of a, 13 of b in 4 folds of 5 rows: each fold holds
# 1 or 2 a's and 3 or 4 b's (dealt in turn), never 0 or 7.
python3 - >"$tmp/uneven.csv" <<'PY'
import random
random.seed(3)
print("u,v,c")
for i in range(20):
    c = "a" if i < 7 else "b"
    print("%.4f,%.4f,%s" % (random.random(), random.random() + (c == "b"), c))
PY
"$smx" train "$tmp/uneven.csv" --folds 4 --epochs 20 --json >"$tmp/uneven.json"
py "stratified folds of uneven classes" '
import json, sys
d = json.load(open(sys.argv[1]))
sizes = [o["test"]["rows"] for o in d["per_fold"]]
assert sizes == [5, 5, 5, 5], sizes
a = sorted(sum(o["test"]["confusion"][0]) for o in d["per_fold"])
b = sorted(sum(o["test"]["confusion"][1]) for o in d["per_fold"])
assert sum(a) == 7 and set(a) <= {1, 2} and sum(b) == 13 and set(b) <= {3, 4}, (a, b)
' "$tmp/uneven.json"
expect_fail "one fold" 1 "bad --folds '1'" -- "$smx" train --folds 1
expect_fail "more folds than rows" 1 "more folds than the 150 rows" -- "$smx" train --folds 151
expect_fail "folds with a test fraction" 1 "--test-fraction does not apply" \
    -- "$smx" train --folds 5 --test-fraction 0.3
expect_fail "folds with --save" 1 "--save does not apply" -- "$smx" train --folds 5 --save "$tmp/m"
expect_out "a class smaller than the folds" "fewer than the 10 folds" \
    -- bash -c "'$smx' train '$tmp/uneven.csv' --folds 10 --epochs 5 --quiet 2>&1"

# ---- --class-weight -----------------------------------------------------------
# Imbalanced: 50 setosa, 50 versicolor, 8 virginica.
(head -n 109 "$iris") >"$tmp/imbalanced.csv"
"$smx" train "$tmp/imbalanced.csv" --quiet --class-weight balanced --json >"$tmp/balanced.json"
py "balanced weights: rows / (classes x rows of the class), on the training rows" '
import json, sys
d = json.load(open(sys.argv[1]))
total = [50, 50, 8]
test = [sum(r) for r in d["test"]["confusion"]]
train = [t - s for t, s in zip(total, test)]
n = sum(train)
want = [n / (3 * c) for c in train]
got = d["class_weights"]
assert all(abs(g - w) <= 1e-6 * w for g, w in zip(got, want)), (got, want)
' "$tmp/balanced.json"
expect_out "explicit weights" '"class_weights":	[1, 1, 4]' \
    -- "$smx" train --quiet --json --class-weight 1,1,4 --epochs 20
expect_out "weights in the text" "class weights: setosa 1 versicolor 1 virginica 4" \
    -- "$smx" train --quiet --class-weight 1,1,4 --epochs 20
# The weights reach the loss: the minority class is found more often, on
# every seed tried (virginica's recall over the 150 flowers).
for seed in 42 1 2 3; do
    "$smx" train "$tmp/imbalanced.csv" --quiet --seed "$seed" --save "$tmp/plain.st" >/dev/null
    "$smx" train "$tmp/imbalanced.csv" --quiet --seed "$seed" --class-weight balanced \
        --save "$tmp/weighted.st" >/dev/null
    plain=$("$smx" eval "$tmp/plain.st" "$iris" --json)
    weighted=$("$smx" eval "$tmp/weighted.st" "$iris" --json)
    py "seed $seed: balanced weights raise the minority recall" '
import json, sys
p, w = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert w["recall"][2] > p["recall"][2] + 0.05, (p["recall"], w["recall"])
' "$plain" "$weighted"
done
"$smx" train --quiet --folds 3 --class-weight balanced --json "$tmp/imbalanced.csv" >"$tmp/fw.json"
py "balanced weights per fold" '
import json, sys
d = json.load(open(sys.argv[1]))
for o in d["per_fold"]:
    train = [c - sum(r) for c, r in zip([50, 50, 8], o["test"]["confusion"])]
    n = sum(train)
    assert all(abs(g - n / (3 * c)) <= 1e-6 * g for g, c in zip(o["class_weights"], train)), o
' "$tmp/fw.json"
expect_fail "too few weights" 1 "--class-weight has 2 weights for 3 classes" \
    -- "$smx" train --class-weight 1,2
expect_fail "... with the class order" 1 "in this order: setosa,versicolor,virginica" \
    -- "$smx" train --class-weight 1,2
expect_fail "a zero weight" 1 "bad --class-weight value '0'" -- "$smx" train --class-weight 1,0,1
expect_fail "a negative weight" 1 "bad --class-weight value '-1'" -- "$smx" train --class-weight 1,-1,1
expect_fail "not a weight" 1 "bad --class-weight value 'x'" -- "$smx" train --class-weight 1,x,1
expect_fail "weights with mse" 1 "--class-weight needs --loss ce" \
    -- "$smx" train --class-weight balanced --loss mse

# ---- macro-F1 ----------------------------------------------------------------
"$smx" train "$tmp/imbalanced.csv" --quiet --save "$tmp/m.st" >/dev/null
"$smx" eval "$tmp/m.st" "$iris" --json >"$tmp/eval.json"
py "macro-F1 from the confusion matrix" '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["confusion"]
f1 = []
for k in range(3):
    tp = c[k][k]
    pred = sum(c[i][k] for i in range(3))
    true = sum(c[k])
    f1.append(2 * tp / (pred + true))
assert all(abs(a - b) < 1e-15 for a, b in zip(d["f1"], f1)), (d["f1"], f1)
assert abs(d["macro_f1"] - sum(f1) / 3) < 1e-15, (d["macro_f1"], f1)
' "$tmp/eval.json"
# Ten setosa flowers, all found: the other classes are neither present nor
# predicted, so they have no F1 and the macro-F1 is 1 (scikit-learn's
# labels present in the truth or the predictions).
head -n 11 "$iris" | "$smx" eval "$tmp/m.st" - --json >"$tmp/setosa.json"
py "macro-F1 over the classes present" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["f1"] == [1, None, None] and d["macro_f1"] == 1, d
' "$tmp/setosa.json"
expect_out "macro-F1 in eval" "macro-F1 " -- "$smx" eval "$tmp/m.st" "$iris"
expect_out "F1 per class" "precision  recall     F1" -- "$smx" eval "$tmp/m.st" "$iris"
expect_out "macro-F1 in train" "accuracy  macro-F1" -- "$smx" train --quiet --epochs 5
expect_out "macro-F1 in train --json" '"macro_f1":' -- "$smx" train --quiet --epochs 5 --json

finish
