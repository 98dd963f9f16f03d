#!/usr/bin/env bash
# Regenerates the committed OpenAPI documents (openapi/<service>.json and <service>.internal.json) from each API's build:
# Microsoft.Extensions.ApiDescription.Server starts the app's host without a server, database or broker and writes them here.
# Then regenerates the Kiota clients that EventBooking.Contract.Tests drives the main flow with (the local tool in
# dotnet-tools.json, offline). EventBooking.Contract.Tests fails until the committed copies equal what the running services serve.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for api in Users Events Bookings Notifications; do
  dotnet build "services/$api.Api" -nologo -v quiet -clp:ErrorsOnly -p:UpdateOpenApiDocuments=true
done
echo "OpenAPI documents written to $root/openapi/"

export KIOTA_OFFLINE_ENABLED=true KIOTA_CLI_TELEMETRY_OPTOUT=true KIOTA_TUTORIAL_ENABLED=false
dotnet tool restore > /dev/null
for client in Users Events Bookings; do
  service="$(echo "$client" | tr '[:upper:]' '[:lower:]')-api"
  dotnet kiota generate -l CSharp -d "openapi/$service.json" -c "${client}Client" -n "EventBooking.Clients.$client" \
    -o "tests/EventBooking.Contract.Tests/Clients/$client" --exclude-backward-compatible --clean-output --ll Error
done
echo "Kiota clients written to $root/tests/EventBooking.Contract.Tests/Clients/"
