#!/usr/bin/env bash
# Runs the whole test suite against the real local PostgreSQL and Redis (started, or installed, if needed),
# with the Chromium the web chat test drives (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_node_modules
ensure_postgres
ensure_redis
ensure_chromium
exec npx vitest run "$@"
