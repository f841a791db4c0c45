#!/usr/bin/env bash
# Issues the kubeconfig Polis uses to reach this site: a time-bound token of the polis-controller
# ServiceAccount (k3s/manifests/polis-edge.yaml grants it only what Polis needs), the cluster CA, and
# the API server address as the hub sees it. Run on the K3s server, as root (it reads the admin kubeconfig).
#
#   k3s/issue-kubeconfig.sh --server https://site-north-3.polis.example:6443 --out north-3.kubeconfig
#
# The token is never printed nor passed on a command line; the file is created 0600. Re-run before the
# token expires (default 720h) and update the site in Polis with the new file.
set -euo pipefail

SERVER=''
OUT=''
DURATION='720h'
NAMESPACE='polis-system'
ACCOUNT='polis-controller'
ADMIN_KUBECONFIG="${KUBECONFIG:-/etc/rancher/k3s/k3s.yaml}"
CLUSTER_NAME=''

usage() {
  cat <<USAGE
usage: $0 --server https://HOST:6443 --out FILE [--duration 720h] [--name CLUSTER_NAME] [--admin-kubeconfig FILE]
  --server            API server URL the Polis hub dials (a name or address in the K3s tls-san list)
  --out               kubeconfig to write (must not exist yet)
  --duration          token lifetime, capped by the server's service-account-max-token-expiration
  --name              cluster/context name in the kubeconfig (default: host of --server)
  --admin-kubeconfig  admin kubeconfig used to request the token (default: \$KUBECONFIG or /etc/rancher/k3s/k3s.yaml)
USAGE
}

die() {
  echo "issue-kubeconfig: $*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) SERVER="${2:-}"; shift 2 ;;
    --out) OUT="${2:-}"; shift 2 ;;
    --duration) DURATION="${2:-}"; shift 2 ;;
    --name) CLUSTER_NAME="${2:-}"; shift 2 ;;
    --admin-kubeconfig) ADMIN_KUBECONFIG="${2:-}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[[ -n "$SERVER" && -n "$OUT" ]] || { usage >&2; die '--server and --out are required'; }
[[ "$SERVER" =~ ^https://[^/[:space:]]+(:[0-9]+)?/?$ ]] || die "--server must be https://HOST[:PORT], got: $SERVER"
[[ "$DURATION" =~ ^[0-9]+(h|m|s)$ ]] || die "--duration must look like 720h, got: $DURATION"
[[ ! -e "$OUT" ]] || die "$OUT already exists; move it away first"
[[ -r "$ADMIN_KUBECONFIG" ]] || die "cannot read the admin kubeconfig $ADMIN_KUBECONFIG"
command -v kubectl >/dev/null || die 'kubectl not found (K3s installs it as /usr/local/bin/kubectl)'

if [[ -z "$CLUSTER_NAME" ]]; then
  CLUSTER_NAME="${SERVER#https://}"
  CLUSTER_NAME="${CLUSTER_NAME%%[:/]*}"
fi
[[ "$CLUSTER_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "--name must be [A-Za-z0-9._-], got: $CLUSTER_NAME"

admin() { kubectl --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

admin -n "$NAMESPACE" get serviceaccount "$ACCOUNT" >/dev/null ||
  die "ServiceAccount $NAMESPACE/$ACCOUNT not found: is k3s/manifests/polis-edge.yaml in /var/lib/rancher/k3s/server/manifests?"

# The CA the admin kubeconfig trusts is the cluster's server CA.
CA_DATA="$(admin config view --raw --minify --flatten -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}')"
[[ -n "$CA_DATA" ]] || die "no certificate-authority-data in $ADMIN_KUBECONFIG"

TOKEN="$(admin -n "$NAMESPACE" create token "$ACCOUNT" --duration "$DURATION")"
[[ -n "$TOKEN" ]] || die 'the API server returned an empty token'

umask 077
set -o noclobber # never overwrite, even if $OUT appeared since the check above
# printf is a shell built-in: the token is written without ever being a process argument or a temp file.
{
  printf 'apiVersion: v1\nkind: Config\n'
  printf 'clusters:\n  - name: %s\n    cluster:\n' "$CLUSTER_NAME"
  printf '      server: %s\n      certificate-authority-data: %s\n' "${SERVER%/}" "$CA_DATA"
  printf 'users:\n  - name: %s\n    user:\n      token: %s\n' "$ACCOUNT@$CLUSTER_NAME" "$TOKEN"
  printf 'contexts:\n  - name: %s\n    context:\n' "$CLUSTER_NAME"
  printf '      cluster: %s\n      user: %s\n      namespace: polis-models\n' "$CLUSTER_NAME" "$ACCOUNT@$CLUSTER_NAME"
  printf 'current-context: %s\n' "$CLUSTER_NAME"
} >"$OUT"
unset TOKEN

echo "wrote $OUT (token of $NAMESPACE/$ACCOUNT valid for up to $DURATION; server $SERVER)" >&2
echo "check it: kubectl --kubeconfig $OUT auth can-i --list -n polis-models" >&2
