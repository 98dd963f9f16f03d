#!/usr/bin/env bash
# The one benchmark command: installs the prerequisites (PostgreSQL, RabbitMQ, the SMTP catcher, wrk), builds in Release
# and runs bench/Load, which starts the system from the Aspire AppHost (Aspire.Hosting.Testing: local PostgreSQL, RabbitMQ,
# SMTP catcher and the four APIs), drives it with virtual users, runs pgbench/wrk baselines beside it and writes
# bench/results/<timestamp>.md (+ latest.md) and PNG plots.
#   bash scripts/bench.sh [--quick] [--only a,b,c,d,w,q,e,baselines]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

EVENTBOOKING_BROWSER_TESTS=0 bash scripts/setup.sh
if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk ..."
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "bench: wrk is missing: sudo apt-get install -y wrk" >&2; exit 1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; }
fi

# Release: building bench/Load in Release builds the AppHost, and through its project references every service, in Release;
# Aspire runs each service with `dotnet run --no-build --configuration <the AppHost's build configuration>`, and the
# benchmark stops at start-up if a service runs another configuration than its own.
dotnet build bench/Load/Load.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Load/bin/Release/net10.0/Load.Bench.dll "$@"
