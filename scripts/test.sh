#!/usr/bin/env bash
# The whole suite, from a fresh clone: set-up, static checks, build, unit and integration tests.
# Ends with one line, `N passed, N failed`, over both jest tiers; exits non-zero when anything failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$POLIS_ROOT"

bash scripts/bootstrap.sh

log "static checks: prettier, eslint, tsc, import cycles"
prettier --check . --log-level warn
eslint . --max-warnings 0
tsc -p tsconfig.json --noEmit
madge --circular --extensions ts --ts-config tsconfig.json apps libs

log "build"
# The committed OpenAPI document must match the code; the message says to run `npm run openapi`.
ts-node -r tsconfig-paths/register --transpile-only scripts/openapi.ts --check
for app in control-plane model-validator city-sim edge-runtime; do nest build "$app"; done

results="$POLIS_STATE/test-results" # jest --json of each tier, kept for a look after the run
rm -rf "$results" && mkdir -p "$results"
status=0
log "unit tests"
jest --selectProjects unit --json --outputFile="$results/unit.json" || status=1

log "integration tests against NATS, Redis, InfluxDB and the local Kubernetes API"
jest --selectProjects integration --maxWorkers=2 --json --outputFile="$results/integration.json" || status=1

((status == 0)) && log "all green" || log "some tests failed (see above)"
ts-node --transpile-only scripts/test-totals.ts "$results/unit.json" "$results/integration.json"
exit "$status"
