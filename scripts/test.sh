#!/usr/bin/env bash
# The whole suite, from a fresh clone: set-up, static checks, build, unit and integration tests.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$POLIS_ROOT"

bash scripts/bootstrap.sh

log "static checks: prettier, eslint, tsc, import cycles"
npx prettier --check . --log-level warn
npx eslint . --max-warnings 0
npx tsc -p tsconfig.json --noEmit
npx madge --circular --extensions ts --ts-config tsconfig.json apps libs

log "build"
npx nest build control-plane
npx nest build model-validator
npx nest build city-sim
npx nest build edge-runtime

log "unit tests"
npx jest --selectProjects unit

log "integration tests against NATS, Redis, InfluxDB and the local Kubernetes API"
npx jest --selectProjects integration --maxWorkers=2
log "all green"
