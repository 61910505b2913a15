#!/usr/bin/env bash
# Runs the bot with everything it needs: dependencies installed, a local Redis started if none runs.
# With nothing configured: embedded PostgreSQL under ./data and the local web chat on http://127.0.0.1:3000/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_node_modules
ensure_redis
exec npx tsx src/main.ts "$@"
