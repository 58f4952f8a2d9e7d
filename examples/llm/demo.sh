#!/usr/bin/env bash
# The README's LLM example, end to end on loopback: the fake OpenAI-compatible model on :9200, a node on :8080
# with examples/llm/escala.json, one streamed llm.chat job, then the same prompt again from the cache.
# Other ports: PORT=18080 FAKE_PORT=19200 examples/llm/demo.sh
set -euo pipefail
port=${PORT:-8080}
fake_port=${FAKE_PORT:-9200}
url=http://127.0.0.1:$port
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
cleanup() { kill "${fake:-}" "${node:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

dotnet build src/Escala.Server -c Release -v quiet >/dev/null
dotnet build src/Escala.FakeDependency -c Release -v quiet >/dev/null
dotnet run --project src/Escala.FakeDependency -c Release --no-build -- --urls "http://127.0.0.1:$fake_port" \
  --openai:latency 300ms --openai:tokensPerSecond 40 --openai:completionTokens 24 >"$dir/fake.log" 2>&1 & fake=$!
ESCALA_Models__qwen__Endpoints__0="http://127.0.0.1:$fake_port/v1" ESCALA_Models__gemma__Endpoints__0="http://127.0.0.1:$fake_port/v1" \
  dotnet run --project src/Escala.Server -c Release --no-build -- serve --config "$PWD/examples/llm/escala.json" \
  --data "$dir/data" --urls "$url" >"$dir/node.log" 2>&1 & node=$!
for _ in $(seq 1 150); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$url/health/ready" >/dev/null || { cat "$dir/node.log"; exit 1; }

job='{"kind":"llm.chat","args":{"model":"qwen","messages":[{"role":"user","content":"Resuma o processo em uma frase"}]}}'
id=$(curl -sf -X POST $url/v1/jobs -H 'Content-Type: application/json' -d "$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "job $id: token events as they are generated"
curl -sN "$url/v1/jobs/$id/events" | grep -E '^event: (token|done)' | uniq -c
curl -sf "$url/v1/jobs/$id" | python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print("reply:", r["message"]["content"]); print("usage:", r["usage"], "ttft ms:", round(r["timeToFirstTokenMs"]))'

echo "the same prompt again: completed at once from the cache"
curl -sf -X POST $url/v1/jobs -H 'Content-Type: application/json' -d "$job" | python3 -c 'import json,sys; j=json.load(sys.stdin); print("state:", j["state"], "cached:", j["cached"])'
curl -sf $url/metrics | grep -E '^escala_(llm_output_tokens_total|cache_hits_total|cache_hit_ratio)'
