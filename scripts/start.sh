#!/usr/bin/env bash
# Starts the whole EventBooking system with the Aspire dashboard: installs what is missing, builds, runs the AppHost.
# Options:  --reset          wipe the local servers' data (.data/) first
#           --replicas N     run N replicas of each API
#           --no-demo        do not seed the demo accounts and events
#           --containers | --local   force the infrastructure (default: containers where a container runtime answers)
# Anything else is passed to the AppHost. Ctrl+C (or SIGTERM) stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reset) reset=1; shift ;;
    --replicas) export EventBooking__Replicas="$2"; shift 2 ;;
    --no-demo) export EventBooking__SeedDemoData=false; shift ;;
    --containers) export EventBooking__Infrastructure=containers; shift ;;
    --local) export EventBooking__Infrastructure=local; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ "${reset:-0}" = "1" ]; then
  echo "start: wiping .data/ (the local servers' data)"
  rm -rf .data
fi
EVENTBOOKING_BROWSER_TESTS=0 bash scripts/setup.sh
dotnet build EventBooking.AppHost/EventBooking.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly
echo "start: the Aspire dashboard will be at http://localhost:18888, the web app at http://localhost:5080"
exec dotnet run --no-build --project EventBooking.AppHost --launch-profile http -- "${args[@]}"
