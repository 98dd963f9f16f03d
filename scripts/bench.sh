#!/usr/bin/env bash
# The one benchmark command: installs the prerequisites (PostgreSQL, RabbitMQ, the SMTP catcher, wrk), builds in Release
# and runs bench/Load, which starts the whole topology, drives it with virtual users, runs pgbench/wrk baselines beside it
# and writes bench/results/<timestamp>.md (+ latest.md) and PNG plots.
#   bash scripts/bench.sh [--quick] [--only a,b,c,d,baselines]
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

# Release: LocalHost records the configuration it was built with and starts the services' output of that configuration.
dotnet build bench/Load/Load.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Load/bin/Release/net10.0/Load.Bench.dll "$@"
