#!/usr/bin/env bash
# The main job: services, build, the control plane and a simulated city; prints where to look.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$POLIS_ROOT"

bash scripts/bootstrap.sh
log "building"
npx nest build control-plane >"$POLIS_STATE/logs/build.log" 2>&1
npx nest build model-validator >>"$POLIS_STATE/logs/build.log" 2>&1
npx nest build city-sim >>"$POLIS_STATE/logs/build.log" 2>&1

# The key that encrypts site kubeconfigs at rest: generated once, kept out of git and out of logs.
mkdir -p "$POLIS_STATE/secrets"
[ -f "$POLIS_STATE/secrets/kubeconfig.key" ] || (umask 077 && openssl rand -base64 32 >"$POLIS_STATE/secrets/kubeconfig.key")
POLIS_KUBECONFIG_KEY="$(cat "$POLIS_STATE/secrets/kubeconfig.key")"
export POLIS_KUBECONFIG_KEY

PORT="${PORT:-8080}"
if port_open "$PORT"; then log "port $PORT is taken: set PORT to another one"; exit 1; fi
pids=()
cleanup() {
  log "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap cleanup EXIT INT TERM

PORT="$PORT" node dist/apps/control-plane/main.js >"$POLIS_STATE/logs/control-plane.log" 2>&1 &
pids+=($!)
wait_port "$PORT" "control plane" 150
CITY_SPEED="${CITY_SPEED:-60}" node dist/apps/city-sim/main.js >"$POLIS_STATE/logs/city-sim.log" 2>&1 &
pids+=($!)

base="http://127.0.0.1:$PORT"
cat <<EOT

  Polis is running (Ctrl-C stops it).

  API docs         $base/api/docs
  Health           $base/health
  Metrics          $base/metrics
  Sites seen       $base/api/v1/telemetry/sites
  Ingest stats     $base/api/v1/telemetry/stats
  Live telemetry   $base/api/v1/telemetry/stream
  Dead letters     $base/api/v1/telemetry/dead-letters
  Logs             .polis/logs/

EOT
wait -n "${pids[@]}"
