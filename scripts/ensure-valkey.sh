#!/usr/bin/env bash
# Makes sure valkey-server and valkey-cli are on the PATH, and (for the redis-py interop tests) that the system
# Python has redis-py. On Debian 12 (bookworm) it installs valkey from bookworm-backports, using the same mirror the
# machine's own Debian sources already use. Elsewhere it says how.
set -euo pipefail

have_redis_py() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import redis" >/dev/null 2>&1; }

if command -v valkey-server >/dev/null 2>&1 && command -v valkey-cli >/dev/null 2>&1 && { have_redis_py || [ "${1:-}" != "--with-redis-py" ]; }; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "valkey-server is missing and this is not root (and there is no sudo): install valkey-server and valkey-tools yourself." >&2
    exit 1
  fi
fi

codename=""
[ -r /etc/os-release ] && codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

if [ "$codename" = "bookworm" ]; then
  uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  elif [ -r /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    echo "Could not find this machine's Debian mirror in its apt sources; add bookworm-backports yourself." >&2
    exit 1
  fi
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb $uri bookworm-backports main" | $sudo tee /etc/apt/sources.list.d/backports.list >/dev/null
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -t bookworm-backports valkey-server valkey-tools >/dev/null
  if [ "${1:-}" = "--with-redis-py" ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-redis >/dev/null
  fi
elif command -v apt-get >/dev/null 2>&1 && apt-cache show valkey-server >/dev/null 2>&1; then
  # Debian 13 and recent Ubuntu carry valkey in their main suites.
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valkey-server valkey-tools >/dev/null
  if [ "${1:-}" = "--with-redis-py" ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-redis >/dev/null
  fi
else
  echo "Missing: valkey-server / valkey-cli (Valkey 8: https://valkey.io/download/, 'brew install valkey', or your" >&2
  echo "distribution's package), or, for the tests, redis-py for /usr/bin/python3. The demo also runs against any" >&2
  echo "server named by VALKEY_URL." >&2
  exit 1
fi

# The package may start a system-wide service; the tests and the demo start their own throwaway servers.
command -v valkey-server >/dev/null 2>&1
valkey-server --version
