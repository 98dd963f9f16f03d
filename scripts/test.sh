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

status=0
crashed=0
for project in $(ls tests/*/*.Tests.csproj | sort); do
  name="$(basename "$project" .csproj)"
  echo "=== $name"
  if ! timeout 40m dotnet test --project "$project" --no-build \
      --report-xunit-trx --report-xunit-trx-filename "$name.trx" \
      --results-directory "$results" --output Detailed "${extra[@]}"; then
    status=1
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "$name produced no results (crashed?)"
    crashed=$((crashed + 1))
    status=1
  fi
done

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
failed=$((failed + crashed))

# Name every failed test, with the start of its message, just above the summary, so the last lines of a CI log
# say what broke and why.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for result in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if result.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
        message = " ".join((result.findtext(".//t:ErrorInfo/t:Message", "", ns) or "").split())
        stack = (result.findtext(".//t:ErrorInfo/t:StackTrace", "", ns) or "").strip().splitlines()[:3]
        print(f"FAILED: {result.get('testName')}\n  {message[:1500]}")
        for line in stack:
            print(f"  {line.strip()}")
PY
  else
    grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" \
      | grep -o 'testName="[^"]*"' | sed 's/^testName="\(.*\)"$/FAILED: \1/'
  fi
done
if [ "$failed" -gt 0 ]; then status=1; fi

echo "$passed passed, $failed failed, $skipped skipped"
exit $status
