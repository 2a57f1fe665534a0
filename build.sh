#!/usr/bin/env bash
# ./build.sh demo [args]  - installs valkey-server if missing, then runs the demo (src/Demo)
# ./build.sh test         - installs valkey-server if missing, then builds and runs every test
set -euo pipefail
cd "$(dirname "$0")"

case "${1:-}" in
  demo)
    shift
    [ -n "${VALKEY_URL:-}" ] || scripts/ensure-valkey.sh
    exec dotnet run --project src/Demo -c Release -- "$@"
    ;;
  test)
    scripts/ensure-valkey.sh --with-redis-py
    exec dotnet test ActorBridge.sln -c Release --blame-hang-timeout 5m --logger "console;verbosity=normal"
    ;;
  *)
    echo "usage: ./build.sh demo [demo arguments] | ./build.sh test" >&2
    exit 2
    ;;
esac
