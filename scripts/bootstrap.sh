#!/usr/bin/env bash
# Everything a fresh machine needs: Debian services, npm packages, kube tools. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$POLIS_ROOT"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  # .npmrc says onnxruntime-node-install=skip; the variable says it too, for npm versions that stop passing
  # unknown .npmrc keys to install scripts (docs/operations.md).
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >"$POLIS_STATE/logs/npm-ci.log" 2>&1 || { log "npm ci failed, see .polis/logs/npm-ci.log"; exit 1; }
fi
if [ -x scripts/install-kube-tools.sh ]; then bash scripts/install-kube-tools.sh; fi
bash scripts/services.sh
