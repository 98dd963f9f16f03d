#!/usr/bin/env bash
# Lighthouse (mobile, default throttling) on the home page, an event page and the checkout, served by the web's published
# Release build in the Production environment against the system started from the AppHost. Reports (JSON + HTML per run) and
# summary.md land in bench/Lighthouse/results/<timestamp>/, the summary also in bench/Lighthouse/results/latest.md.
#   bash bench/Lighthouse/run.sh [--runs N]        (default 3 runs per page)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTBOOKING_BROWSER_TESTS=1 bash scripts/setup.sh          # PostgreSQL, RabbitMQ, the SMTP catcher, Redis, chromium
command -v node >/dev/null || { echo "lighthouse: Node.js 20+ and npm are needed (apt-get install -y nodejs npm)"; exit 2; }
(cd bench/Lighthouse && npm ci --no-audit --no-fund --loglevel=error)   # lighthouse 12.2.3, pinned in package-lock.json
dotnet publish web/EventBooking.Web -c Release -o bench/Lighthouse/bin/web -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Lighthouse -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Lighthouse/bin/Release/net10.0/Lighthouse.Bench.dll --web bench/Lighthouse/bin/web/EventBooking.Web.dll "$@"
