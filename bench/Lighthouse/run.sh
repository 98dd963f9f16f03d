#!/usr/bin/env bash
# Lighthouse (mobile, default throttling) on the home page, an event page and the checkout, served by the web's published
# Release build in the Production environment against the system started from the AppHost. Reports (JSON + HTML per run) and
# summary.md land in bench/Lighthouse/results/<timestamp>/, the summary also in bench/Lighthouse/results/latest.md.
#   bash bench/Lighthouse/run.sh [--runs N]        (default 3 runs per page)
# On 2+ CPUs the browser runs on the last one alone, everything else on the others (taskset).
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTBOOKING_BROWSER_TESTS=1 bash scripts/setup.sh          # PostgreSQL, RabbitMQ, the SMTP catcher, Redis, chromium
command -v node >/dev/null || { echo "lighthouse: Node.js 20+ and npm are needed (apt-get install -y nodejs npm)"; exit 2; }
(cd bench/Lighthouse && npm ci --no-audit --no-fund --loglevel=error)   # lighthouse 12.2.3, pinned in package-lock.json
dotnet publish web/EventBooking.Web -c Release -o bench/Lighthouse/bin/web -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Lighthouse -c Release -nologo -v quiet -clp:ErrorsOnly
bench=(dotnet bench/Lighthouse/bin/Release/net10.0/Lighthouse.Bench.dll --web bench/Lighthouse/bin/web/EventBooking.Web.dll)
# The browser gets the last CPU to itself and everything else (the servers, this program, Lighthouse's node) the others, so the
# page's measured work is the page's and not the servers' background load (Lighthouse multiplies it by 4). One CPU: shared.
cpus=$(nproc)
if (( cpus >= 2 )); then
  exec taskset -c "0-$((cpus - 2))" "${bench[@]}" --browser-cpus "$((cpus - 1))" "$@"
fi
exec "${bench[@]}" "$@"
