#!/usr/bin/env bash
# Regenerates the committed OpenAPI documents (openapi/<service>.json and <service>.internal.json) from each API's build:
# Microsoft.Extensions.ApiDescription.Server starts the app's host without a server, database or broker and writes them here.
# EventBooking.Contract.Tests fails until the committed copies equal what the running services serve.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for api in Users Events Bookings Notifications; do
  dotnet build "$root/services/$api.Api" -nologo -v quiet -clp:ErrorsOnly -p:UpdateOpenApiDocuments=true
done
echo "OpenAPI documents written to $root/openapi/"
