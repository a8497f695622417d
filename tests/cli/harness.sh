# harness.sh — a few helpers for the smx command's tests (sourced).
# Each check prints a line only when it fails; `finish` prints the tally
# and sets the exit status.
passed=0
failed=0

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    failed=$((failed + 1))
}

# expect_out NAME EXPECTED_SUBSTRING -- CMD...: stdout contains the text, exit 0
expect_out() {
    local name=$1 want=$2
    shift 3
    local out rc
    out=$("$@" 2>&1) && rc=0 || rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name: exit $rc, output: $out"
    elif [[ "$out" != *"$want"* ]]; then
        fail "$name: output lacks '$want'; got: $out"
    else
        passed=$((passed + 1))
    fi
}

# expect_fail NAME EXIT_CODE STDERR_SUBSTRING -- CMD...: fails cleanly with that message
expect_fail() {
    local name=$1 code=$2 want=$3
    shift 4
    local err rc
    err=$("$@" 2>&1 >/dev/null) && rc=0 || rc=$?
    if [ "$rc" -ne "$code" ]; then
        fail "$name: exit $rc, expected $code; stderr: $err"
    elif [[ "$err" != *"$want"* ]]; then
        fail "$name: stderr lacks '$want'; got: $err"
    else
        passed=$((passed + 1))
    fi
}

finish() {
    printf '%d passed, %d failed\n' "$passed" "$failed"
    [ "$failed" -eq 0 ]
}
