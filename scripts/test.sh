#!/usr/bin/env bash
# Runs the whole test suite against the real local PostgreSQL and Redis (started, or installed, if needed),
# with the Chromium the web chat test drives (installed if missing); then the conversation suite again on DingTalk.
# With arguments: `npx vitest run <arguments>` only (TEST_PLATFORM=dingtalk picks DingTalk for a chosen file).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_node_modules
ensure_postgres
ensure_redis
ensure_chromium
if [ $# -gt 0 ]; then exec npx vitest run "$@"; fi
npx vitest run
# The conversation suite a second time, against DingTalk instead of WeCom (test/helpers/dingtalk-as-wecom.ts):
# every e2e file that talks through the WeCom chat helper, but the README's (local chat) and DingTalk's own.
mapfile -t conversation < <(grep -l "wecomChat" test/e2e/*.test.ts | grep -v -e readme-examples -e '/dingtalk-')
TEST_PLATFORM=dingtalk npx vitest run "${conversation[@]}"
