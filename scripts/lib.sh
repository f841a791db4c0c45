# Shared shell helpers for Polis scripts. Source it; do not run it.
set -euo pipefail

POLIS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POLIS_STATE="${POLIS_STATE:-$POLIS_ROOT/.polis}"
mkdir -p "$POLIS_STATE/data" "$POLIS_STATE/logs"
# The project's own tools run from node_modules/.bin, not through npx: npx would read .npmrc and warn about
# onnxruntime-node-install on every call (see "npm warnings" in docs/operations.md).
export PATH="$POLIS_ROOT/node_modules/.bin:$PATH"

log() { printf '\033[1m[polis]\033[0m %s\n' "$*" >&2; }

# True when something already accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 what=$2 tries=${3:-100}
  for ((i = 0; i < tries; i++)); do
    port_open "$port" && return 0
    sleep 0.2
  done
  log "$what did not start listening on 127.0.0.1:$port (see $POLIS_STATE/logs)"
  return 1
}

# Installs Debian packages whose command is missing; refreshes the package lists only when needed.
ensure_debs() {
  local missing=()
  while (($#)); do
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
    shift 2
  done
  ((${#missing[@]})) || return 0
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >"$POLIS_STATE/logs/apt.log" 2>&1 ||
    { apt-get update >>"$POLIS_STATE/logs/apt.log" 2>&1 &&
      apt-get install -y --no-install-recommends "${missing[@]}" >>"$POLIS_STATE/logs/apt.log" 2>&1; } ||
    { log "apt-get failed, see $POLIS_STATE/logs/apt.log"; return 1; }
}

render_influx_conf() { # dir http_port rpc_port out
  sed -e "s#@DIR@#$1#g" -e "s#@HTTP_PORT@#$2#g" -e "s#@RPC_PORT@#$3#g" \
    "$POLIS_ROOT/scripts/influxdb.conf.template" >"$4"
}
