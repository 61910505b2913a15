#!/usr/bin/env bash
# Runs the bot with everything it needs: dependencies installed, a local Redis started if none runs.
# With nothing configured: embedded PostgreSQL under ./data and the local web chat on http://127.0.0.1:3000/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_node_modules
ensure_redis
# Local mode on a new embedded database: a fictional organisation to talk as (npm run cli -- seed-demo).
if [ -z "${DATABASE_URL:-}" ] && [ -z "${WECOM_CORP_ID:-}" ] && [ ! -d "${DATA_DIR:-./data}/pglite" ]; then
  echo "first local run: creating demo members (seed-demo)" >&2
  npx tsx src/cli.ts seed-demo >&2
fi
exec npx tsx src/main.ts "$@"
