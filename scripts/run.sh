#!/usr/bin/env bash
# Runs the bot with everything it needs: dependencies installed, a local Redis started if none runs, the
# compiled JavaScript (re)built when a source file changed since the last build; then plain node runs it.
# With nothing configured: embedded PostgreSQL under ./data and the local web chat on http://127.0.0.1:3000/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_node_modules
ensure_redis
node scripts/build.mjs --if-needed
# Local mode on a new embedded database: a fictional organisation to talk as (npm run cli -- seed-demo).
if [ -z "${DATABASE_URL:-}" ] && [ -z "${WECOM_CORP_ID:-}" ] && [ ! -d "${DATA_DIR:-./data}/pglite" ]; then
  echo "first local run: creating demo members (seed-demo)" >&2
  node --enable-source-maps dist/src/cli.js seed-demo >&2
fi
# exec: this script's pid becomes the bot's, so a supervisor's signal reaches it directly.
exec node --enable-source-maps dist/src/main.js "$@"
