#!/usr/bin/env bash
# The main job: services, build, the control plane and a simulated city; prints where to look.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$POLIS_ROOT"

bash scripts/bootstrap.sh
log "building"
: >"$POLIS_STATE/logs/build.log"
for app in control-plane model-validator city-sim edge-runtime; do
  nest build "$app" >>"$POLIS_STATE/logs/build.log" 2>&1 || { log "build of $app failed: see .polis/logs/build.log"; exit 1; }
done

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

# The sites' K3s clusters: the local Kubernetes API (an emulator, not K3s), one kubeconfig per site.
kube="$POLIS_STATE/kube"
rm -rf "$kube" && mkdir -p "$kube"
ts_node=(ts-node -r tsconfig-paths/register --transpile-only)
# Each Polis pod the emulated kubelet starts runs as a real edge-runtime process on this machine.
pod_runtime=(--site-labels --run-pods dist/apps/edge-runtime/main.js
  --pod-env INFLUX_URL=http://127.0.0.1:8086/polis --pod-env 'POLIS_CONTEXT_DEFAULTS={"temperatureC":12}'
  --pod-env POLIS_HEARTBEAT_INTERVAL_MS=5000 --pod-env LOG_LEVEL=warn)
# Zones as scripts/register-sites.ts registers them: <kind>-NN in the (NN-1 mod 4)th, the central site in "central".
start_clusters() { # prefix count nodes cpu memory zones
  "${ts_node[@]}" apps/kube-emulator/src/main.ts --name-prefix "$1" --clusters "$2" --nodes-per-cluster "$3" \
    --node-cpu "$4" --node-memory "$5" --zones "$6" --kubeconfig-dir "$kube" "${pod_runtime[@]}" \
    >"$POLIS_STATE/logs/kube-$1.log" 2>&1 &
  pids+=($!)
}
intersections="${CITY_INTERSECTIONS:-6}"
substations="${CITY_SUBSTATIONS:-3}"
start_clusters traffic "$intersections" 1 2 4Gi north,south,east,west
start_clusters energy "$substations" 2 4 8Gi north,south,east,west
start_clusters central 1 3 16 64Gi central
for ((i = 0; i < 150; i++)); do
  (($(ls "$kube"/*.kubeconfig 2>/dev/null | wc -l) >= intersections + substations + 1)) && break
  sleep 0.2
done

PORT="$PORT" node dist/apps/control-plane/main.js >"$POLIS_STATE/logs/control-plane.log" 2>&1 &
pids+=($!)
wait_port "$PORT" "control plane" 150
export POLIS_URL="http://127.0.0.1:$PORT"
log "registering the simulated sites"
"${ts_node[@]}" scripts/register-sites.ts "$kube" >"$POLIS_STATE/logs/register-sites.log" 2>&1 ||
  log "site registration failed: see .polis/logs/register-sites.log"
log "training the city's models and publishing them to the registry"
"${ts_node[@]}" scripts/build-city-models.ts >"$POLIS_STATE/logs/models.log" 2>&1 ||
  log "model build failed: see .polis/logs/models.log"

# A replay that starts a day ago at 60x (a simulated minute per second), stamped with the simulated clock,
# so the models' 5- and 15-minute windows fill in seconds; it reaches the wall clock after about 24 minutes.
CITY_INTERSECTIONS="$intersections" CITY_SUBSTATIONS="$substations" CITY_SPEED="${CITY_SPEED:-60}" \
  CITY_TIMESTAMPS=simulated CITY_START="${CITY_START:-$(date -u -d '1 day ago' +%Y-%m-%dT%H:%M:%SZ)}" \
  node dist/apps/city-sim/main.js >"$POLIS_STATE/logs/city-sim.log" 2>&1 &
pids+=($!)

# Deploy the city's models the way an operator would: one declarative deployment per model and kind of site.
# Polis places them, applies them to each site's cluster, and the emulated kubelet runs the edge runtimes.
# Reads one value from the JSON on stdin; exits non-zero when it is absent.
read_json() { # script (receives the parsed JSON as `o` and the extra arguments as `a`)
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=new Function("o","a",process.argv[1])(JSON.parse(s),process.argv.slice(2));if(v==null)process.exit(1);process.stdout.write(String(v))})' "$@"
}
deploy() { # id model site-kind
  local version
  version="$(curl -fsS "$POLIS_URL/api/v1/models" | read_json 'return o.items.find((m)=>m.name===a[0])?.latestVersion' "$2")" ||
    { log "model $2 is not in the registry: not deployed"; return 0; }
  curl -sS -o /dev/null -w '%{http_code}' -X POST "$POLIS_URL/api/v1/deployments" -H 'content-type: application/json' \
    -d "{\"id\":\"$1\",\"model\":{\"name\":\"$2\",\"version\":\"$version\"},\"targets\":{\"kinds\":[\"$3\"]},\"policy\":\"edge-preferred\"}" |
    grep -qE '^(201|409)$' || log "deployment $1 was refused: see GET $POLIS_URL/api/v1/deployments"
}
log "deploying the city's models to the sites"
deploy congestion congestion-classifier traffic
deploy traffic-flow traffic-flow-forecaster traffic
deploy energy-anomaly energy-anomaly-detector energy
deploy substation-load substation-load-forecaster energy

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
  Sites            $base/api/v1/sites
  Models           $base/api/v1/models
  Deployments      $base/api/v1/deployments   (status: /api/v1/deployments/<id>/status, events: /api/v1/deployments/events)
  Inference        $base/api/v1/telemetry/series?kind=inference-congestion-classifier&site=traffic-01&from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z
                   (also on NATS: polis.inference.<site>.<model>, polis.decision.<site>.<model>)
  Kubeconfigs      .polis/kube/   (e.g. KUBECONFIG=.polis/kube/traffic-01.kubeconfig .polis/tools/bin/kubectl get nodes)
  Logs             .polis/logs/

EOT
wait -n "${pids[@]}"
