# Shared by scripts/run.sh, scripts/test.sh and .ci/run: make sure the local services are up.
# Starts (and on a fresh Debian machine installs) Redis and PostgreSQL only when they are local and down, and
# installs the Chromium the browser test needs when there is none.

have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
  if have apt-get && [ "$(id -u)" = 0 ]; then
    echo "installing $*" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "please install $* (or point the URL at a running server)" >&2
    return 1
  fi
}

redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

ensure_redis() {
  case "${REDIS_URL:-redis://127.0.0.1:6379}" in
    redis://127.0.0.1:6379*|redis://localhost:6379*) ;;
    *) return 0 ;;  # a remote Redis is the operator's to run
  esac
  redis_up && return 0
  have redis-server || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_up && return 0; sleep 0.1; done
  echo "Redis did not start on 127.0.0.1:6379" >&2
  return 1
}

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

ensure_postgres() {
  pg_up && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    # Tests connect as postgres over TCP without a password, as on the CI machine.
    local conf
    conf=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
    sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$conf"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 100); do pg_up && return 0; sleep 0.1; done
  echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
  return 1
}

ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}

# The web chat's browser test (test/e2e/web-chat.test.ts) drives a real headless Chromium; the CJK font makes
# its screenshots readable (without one every character is a box).
ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then return 0; fi
  have chromium || apt_install chromium
  if have fc-list && [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then apt_install fonts-wqy-zenhei || true; fi
}
