"""`python -m bench.peer_server`: the FastMCP peer as a process, over stdio or Streamable HTTP."""

from __future__ import annotations

import argparse

import anyio

from musement_mcp.tools import MusementConfig

from .peer import build_peer, peer_http_client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer_server")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--application", required=True)
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    config = MusementConfig(base_url=args.base_url, application=args.application)
    anyio.run(_serve, config, args.transport, args.port)
    return 0


async def _serve(config: MusementConfig, transport: str, port: int) -> None:
    async with peer_http_client(config) as http:
        peer = build_peer(config, http)
        if transport == "http":
            await peer.run_http_async(
                transport="http",
                host="127.0.0.1",
                port=port,
                path="/mcp",
                show_banner=False,
            )
        else:
            await peer.run_stdio_async(show_banner=False)


if __name__ == "__main__":
    raise SystemExit(main())
