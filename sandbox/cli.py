"""`musement-mcp sandbox`: run the sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from .runner import SandboxServer
from .seed import SEEDED_CARTS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="musement-mcp sandbox",
        description="Serve the embedded Musement sandbox (Partner API v3 cart endpoints).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    parser.add_argument(
        "--faults", action="store_true", help="enable fault injection and /__sandbox endpoints"
    )
    parser.add_argument("--client-id", help="require /login with these client credentials")
    parser.add_argument("--client-secret", help="the client secret that goes with --client-id")
    parser.add_argument(
        "--no-payment-scope",
        action="store_true",
        help="let POST /payments/no/payment complete orders priced above zero",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long before answering each API request (a far-away Musement)",
    )
    parser.add_argument(
        "--pending-orders-unlocked",
        action="store_true",
        help="leave a cart open while its order is PENDING (unpaid): a second POST /orders "
        "makes a second order (Musement's reference does not say which it does)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.client_id is None) != (args.client_secret is None):
        parser.error("--client-id and --client-secret go together")
    # Logs go to stderr only; stdout carries just the summary below.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

    stopped = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    try:
        server = SandboxServer(
            args.host,
            args.port,
            faults=args.faults,
            client_id=args.client_id,
            client_secret=args.client_secret,
            no_payment_scope=args.no_payment_scope,
            latency=max(args.latency, 0.0),
            pending_orders_lock_cart=not args.pending_orders_unlocked,
        )
    except OSError as exc:
        print(f"cannot bind {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    with server:
        print(f"Musement sandbox: {server.base_url}")
        for cart_uuid, description in SEEDED_CARTS.items():
            print(f"  cart {cart_uuid}  {description}")
        if args.faults:
            print(f"  fault injection on: {server.url}/__sandbox/faults")
        if args.client_id:
            print("  bearer tokens required: POST /login with the given client credentials")
        if args.no_payment_scope:
            print("  no-payment scope: POST /payments/no/payment completes any order")
        if args.pending_orders_unlocked:
            print("  pending orders leave their cart unlocked: a cart may get several orders")
        if args.latency > 0:
            print(f"  added latency: {args.latency * 1000:.0f} ms per API request")
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while not stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0
