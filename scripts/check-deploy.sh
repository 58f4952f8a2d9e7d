#!/usr/bin/env bash
# Validates every file in deploy/ (and the Python example) with the real tool for it.
# Installs haproxy, nginx, prometheus (promtool) and python3-yaml with apt-get when missing (Debian 12, root).
# Exits non-zero if any check fails; prints one line per check.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
failures=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

check() {  # check <description> <command...>
    local description="$1"; shift
    if "$@" >"$tmp/out" 2>&1; then
        echo "ok    $description"
    else
        echo "FAIL  $description"
        sed 's/^/      /' "$tmp/out"
        failures=$((failures + 1))
    fi
}

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v nginx >/dev/null || need+=(nginx)
command -v promtool >/dev/null || need+=(prometheus)
/usr/bin/python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
if ((${#need[@]})); then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || { echo "FAIL  apt-get install ${need[*]}"; exit 1; }
fi

check "haproxy -c deploy/haproxy.cfg" haproxy -c -f deploy/haproxy.cfg
# The compose variant names Docker DNS services (api) that do not resolve here: warnings, not errors.
check "haproxy -c deploy/haproxy.compose.cfg" haproxy -c -f deploy/haproxy.compose.cfg

mkdir -p "$tmp/nginx"
check "nginx -t deploy/nginx.conf" nginx -t -c "$root/deploy/nginx.conf" -p "$tmp/nginx/"

check "promtool check config deploy/prometheus.yml" promtool check config deploy/prometheus.yml
check "promtool check config deploy/prometheus.compose.yml" promtool check config deploy/prometheus.compose.yml
check "promtool check rules deploy/alerts.yml" promtool check rules deploy/alerts.yml
check "promtool test rules deploy/alerts.test.yml" promtool test rules deploy/alerts.test.yml

# YAML syntax of compose and Kubernetes files, plus the structure each must have.
check "YAML: compose.yaml, grafana/, k8s/*.yaml" /usr/bin/python3 - <<'PY'
import glob, re, sys, yaml

errors = []
def load(path):
    try:
        with open(path) as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as error:
        errors.append(f"{path}: {error}".replace("\n", " "))
        return [{}]

compose = load("deploy/compose.yaml")[0]
services = compose.get("services", {})
for name in ("postgres", "redis", "api", "worker", "haproxy", "prometheus", "grafana"):
    if name not in services:
        errors.append(f"compose.yaml: no service '{name}'")
for name, service in services.items():
    if "image" not in service and "build" not in service:
        errors.append(f"compose.yaml: service '{name}' has neither image nor build")
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("./") and not glob.glob("deploy/" + source[2:]):
            errors.append(f"compose.yaml: service '{name}' mounts missing file {source}")
text = open("deploy/compose.yaml").read()
if re.search(r"(?i)password[^$\n]*[:=]\s*['\"]?(?!\$\{)\w", text.replace("Password=${", "")):
    errors.append("compose.yaml: a password that is not a ${VAR:?} reference")
load("deploy/grafana/datasources.yaml")
load("deploy/grafana/dashboards.yaml")
import json
try:
    json.load(open("deploy/grafana/escala-dashboard.json"))
except ValueError as error:
    errors.append(f"grafana/escala-dashboard.json: {error}")

kustomization = load("deploy/k8s/kustomization.yaml")[0]
for resource in kustomization.get("resources", []):
    if not glob.glob("deploy/k8s/" + resource):
        errors.append(f"kustomization.yaml: missing resource {resource}")
for path in sorted(glob.glob("deploy/k8s/*.yaml")):
    for doc in load(path):
        if path.endswith("kustomization.yaml"):
            continue
        for key in ("apiVersion", "kind", "metadata"):
            if key not in doc:
                errors.append(f"{path}: no {key}")
        if doc.get("kind") == "Deployment" and "spec" in doc:
            pod = doc["spec"]["template"]["spec"]
            container = pod["containers"][0]
            if pod.get("terminationGracePeriodSeconds") != 40:
                errors.append(f"{path}: terminationGracePeriodSeconds is not 40")
            if container["readinessProbe"]["httpGet"]["path"] != "/health/ready":
                errors.append(f"{path}: readiness probe is not /health/ready")
            if container["livenessProbe"]["httpGet"]["path"] != "/health/live":
                errors.append(f"{path}: liveness probe is not /health/live")
print("\n".join(errors) or "all YAML parsed")
sys.exit(1 if errors else 0)
PY

check "python3 -m py_compile examples/python/worker.py" \
    python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
    examples/python/worker.py "$tmp/worker.pyc"

# Dockerfile: docker is not available everywhere; check the conventions it must keep.
check "Dockerfile conventions" bash -c '
    f=deploy/Dockerfile
    grep -q "^FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build" $f &&
    grep -q "^FROM mcr.microsoft.com/dotnet/runtime-deps:10.0" $f &&
    grep -q "scripts/pack.sh --only single" $f &&
    grep -q "^USER \$APP_UID" $f &&
    grep -q "^HEALTHCHECK .*" $f && grep -q "/health/live" $f &&
    grep -q "^ENTRYPOINT \[\"/app/escala\"\]" $f &&
    grep -q "^CMD \[\"serve\", \"--urls\", \"http://0.0.0.0:8080\"\]" $f'

if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all deploy checks passed"
