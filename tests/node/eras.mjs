// The protocol eras by our names, as the Python side passes them (tests/support/common.py):
// the handshake era (2025-11-25: `initialize`, sessions) and the 2026-07-28 era (stateless,
// `server/discover`). `versionNegotiation` is the one place the JavaScript tests hand the
// TypeScript SDK (v2, `@modelcontextprotocol/client`) its own option for an era. Imported by
// sdk_client.mjs and, bundled, by tests/browser/host.mjs.

export const HANDSHAKE_ERA = "handshake";
export const ERA_2026_07_28 = "2026-07-28";
export const ERAS = [HANDSHAKE_ERA, ERA_2026_07_28];

// The v2 client's `versionNegotiation` option for `era`.
export function versionNegotiation(era) {
  if (era === HANDSHAKE_ERA) return { mode: "legacy" };
  if (era === ERA_2026_07_28) return { mode: { pin: "2026-07-28" } };
  throw new Error(`unknown era ${era} (${ERAS.join(" or ")})`);
}
