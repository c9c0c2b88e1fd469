#!/usr/bin/env bash
# The raw JSON-RPC of the 2026-07-28 protocol era over Streamable HTTP, with curl.
#
#   musement-mcp serve --transport http --sandbox &     # a server with the embedded sandbox
#   examples/curl_2026.sh                                # or: MCP_URL=... CART=... examples/curl_2026.sh
#
# The 2026-07-28 era has no handshake and no session: every request names its protocol
# version (header MCP-Protocol-Version and params._meta), its method (Mcp-Method) and, for
# tools/call, the tool (Mcp-Name). Add -H "Authorization: Bearer $TOKEN" when the server
# requires a token (MUSEMENT_HTTP_AUTH_TOKENS).
set -euo pipefail
MCP_URL=${MCP_URL:-http://127.0.0.1:8000/mcp}
CART=${CART:-0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0001}   # the sandbox's base-fields cart
META='"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": {"name": "curl-example", "version": "1.0"}}'

# rpc ID METHOD PARAMS [TOOL]: one JSON-RPC request, its answer pretty-printed.
rpc() {
  local id=$1 method=$2 params=$3 tool=${4:-}
  local headers=(-H "Content-Type: application/json" -H "Accept: application/json, text/event-stream"
                 -H "MCP-Protocol-Version: 2026-07-28" -H "Mcp-Method: $method")
  [ -n "$tool" ] && headers+=(-H "Mcp-Name: $tool")
  echo ">>> $method ${tool}"
  curl -sS --fail-with-body -X POST "$MCP_URL" "${headers[@]}" \
    -d "{\"jsonrpc\": \"2.0\", \"id\": $id, \"method\": \"$method\", \"params\": {$params}}" \
    | python3 -m json.tool
}

rpc 1 server/discover "$META"
rpc 2 tools/list "$META"
rpc 3 tools/call "\"name\": \"get_customer_schema\", \"arguments\": {\"cart_uuid\": \"$CART\"}, $META" \
  get_customer_schema
# A first attempt with a misspelt field: an isError result saying what to fix; nothing is sent.
rpc 4 tools/call "\"name\": \"update_cart_customer\", \"arguments\": {\"cart_uuid\": \"$CART\",
  \"customer\": {\"first_name\": \"Ada\"}}, $META" update_cart_customer
rpc 5 tools/call "\"name\": \"update_cart_customer\", \"arguments\": {\"cart_uuid\": \"$CART\",
  \"customer\": {\"firstname\": \"Ada\", \"lastname\": \"Lovelace\", \"email\": \"ada@example.com\",
  \"musement_newsletter\": \"NO\", \"allow_profiling\": \"NO\", \"thirdparty_newsletter\": \"NO\",
  \"events_related_newsletter\": \"NO\"}}, $META" update_cart_customer
