#!/usr/bin/env bash
# Runs every test project against real PostgreSQL, RabbitMQ, SMTP and Chromium (installed first if missing)
# and ends with one line: "N passed, N failed, N skipped". Exit code 0 only when nothing failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! bash scripts/setup.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build EventBooking.sln -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Extra arguments for every test run, e.g. TEST_ARGS="--filter-class *Rush*" (xUnit v3 on Microsoft.Testing.Platform).
read -r -a extra <<< "${TEST_ARGS:-}"

# A project whose run fails a few tests (at most $again_limit) runs those tests once more, in a fresh start of its fixtures:
# a test that then passes counts as passed and is named FLAKY in the summary with what its first run said. More failures
# than that, or failing twice, is a failure.
again_limit=5
crashed=0
for project in $(ls tests/*/*.Tests.csproj | sort); do
  name="$(basename "$project" .csproj)"
  echo "=== $name"
  timeout 40m dotnet test --project "$project" --no-build \
      --report-xunit-trx --report-xunit-trx-filename "$name.trx" \
      --results-directory "$results" --output Detailed "${extra[@]}"
  code=$?
  if [ ! -f "$results/$name.trx" ]; then
    echo "$name produced no results (crashed?)"
    crashed=$((crashed + 1))
    continue
  fi
  mapfile -t failures < <(python3 scripts/test-results.py failed "$results/$name.trx")
  # 8: no test matched TEST_ARGS' filters. Any other error with no failed test in the report is a crash of the run.
  if [ "$code" -ne 0 ] && [ "$code" -ne 8 ] && [ "${#failures[@]}" -eq 0 ]; then
    echo "$name exited with $code but reported no failed test"
    crashed=$((crashed + 1))
  fi
  if [ "${#failures[@]}" -gt 0 ] && [ "${#failures[@]}" -le "$again_limit" ]; then
    echo "=== $name: running again, once, the ${#failures[@]} test(s) that failed: ${failures[*]}"
    filters=()
    for method in "${failures[@]}"; do filters+=(--filter-method "$method"); done
    timeout 20m dotnet test --project "$project" --no-build \
        --report-xunit-trx --report-xunit-trx-filename "$name.trx" \
        --results-directory "$results/again" --output Detailed "${extra[@]}" "${filters[@]}"
  fi
done

# Names every failed (and flaky) test with the start of its message, its stack and the end of its output just above the
# summary, so the last lines of a CI log say what broke and why; the last line is "N passed, N failed, N skipped".
python3 scripts/test-results.py summary "$results" "$crashed"
