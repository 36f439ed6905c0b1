#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL (make test). By default the two runs go side by side, one
# process each: on CI's 2-core machine the pair then takes about as long as the slower run instead of the sum
# of both (issue 17: CI must finish well inside 90 minutes). TEST_SERIAL=1 runs them one after the other.
#
# Each run's lines reach the terminal prefixed with its database ("[sqlite] ", "[postgresql] ") and whole,
# unprefixed, in test-artifacts/pytest-<database>.log; the summary of both is printed at the end, and the
# exit status is non-zero when either run failed. Extra arguments go to both pytest runs.
set -u
BIN=${BIN:-.venv/bin}
ARTEFACTS=${TENDER_TEST_ARTIFACTS:-test-artifacts}
mkdir -p "$ARTEFACTS"

run() {  # run DATABASE [pytest arguments...]: one whole run, its status as the function's
    local database=$1
    shift
    TENDER_TEST_DATABASE=$database "$BIN/pytest" -p no:cacheprovider "$@"
}

if [ "${TEST_SERIAL:-0}" = "1" ]; then
    run sqlite "$@" && run postgresql "$@"
    exit $?
fi

declare -A pid
for database in sqlite postgresql; do
    log="$ARTEFACTS/pytest-$database.log"
    (
        run "$database" "$@" 2>&1 | tee "$log" | sed -u "s/^/[$database] /"
        exit "${PIPESTATUS[0]}"
    ) &
    pid[$database]=$!
done

status=0
declare -A outcome
for database in sqlite postgresql; do
    if wait "${pid[$database]}"; then
        outcome[$database]="passed"
    else
        outcome[$database]="FAILED"
        status=1
    fi
done

# A failed run's failures again, so that the end of the output (all a CI page may show) names them: the
# tracebacks (at most the last 200 lines of pytest's FAILURES/ERRORS sections), then the FAILED/ERROR lines.
for database in sqlite postgresql; do
    [ "${outcome[$database]}" = "FAILED" ] || continue
    log="$ARTEFACTS/pytest-$database.log"
    echo
    echo "== $database: what failed"
    sed -n '/^=\+ \(FAILURES\|ERRORS\) =\+$/,/^=\+ short test summary info =\+$/p' "$log" | tail -n 200
    grep -E '^(FAILED|ERROR) ' "$log"
done

echo
for database in sqlite postgresql; do
    echo "== $database: ${outcome[$database]} (whole output: $ARTEFACTS/pytest-$database.log)"
    tail -n 1 "$ARTEFACTS/pytest-$database.log"
done
exit $status
