#!/usr/bin/env bash
# Starts the whole EventBooking system locally (no containers): installs prerequisites, builds, runs LocalHost.
# Extra arguments go to LocalHost: --reset (wipe data), --replicas N, --data DIR, --no-demo.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTBOOKING_BROWSER_TESTS=0 bash scripts/setup.sh
dotnet build EventBooking.LocalHost/EventBooking.LocalHost.csproj -nologo -v quiet -clp:ErrorsOnly
exec dotnet run --no-build --project EventBooking.LocalHost -- "$@"
