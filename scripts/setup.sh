#!/usr/bin/env bash
# Installs EventBooking's Debian/Ubuntu prerequisites, idempotently: PostgreSQL, RabbitMQ, the SMTP
# mail catcher (python3-aiosmtpd), Redis (redis-server) and util-linux's setpriv. Prints exactly what is missing when it cannot install.
set -euo pipefail

missing=()
have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || command -v postgres >/dev/null; }
have_postgres || missing+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; } || missing+=(python3-aiosmtpd)
[ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null || missing+=(redis-server)
command -v setpriv >/dev/null || missing+=(util-linux)
if [ "${EVENTBOOKING_BROWSER_TESTS:-1}" = "1" ]; then
  command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is missing: install it from https://dot.net (dotnet-sdk-10.0), then run this again." >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: prerequisites present (postgresql, rabbitmq-server, python3-aiosmtpd, redis-server, setpriv)."
  exit 0
fi

echo "setup: installing ${missing[*]} ..."
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages may start system-wide servers; EventBooking runs its own private ones, so stop those to free resources.
if command -v service >/dev/null; then
  $SUDO service rabbitmq-server stop >/dev/null 2>&1 || true
  $SUDO service postgresql stop >/dev/null 2>&1 || true
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi
echo "setup: installed ${missing[*]}."
