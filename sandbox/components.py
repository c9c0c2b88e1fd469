"""The parts one sandbox instance is made of, reachable from handlers via `app.state.sandbox`."""

from __future__ import annotations

from dataclasses import dataclass

from .faults import FaultInjector
from .recorder import Recorder
from .state import SandboxState
from .tokens import TokenStore


@dataclass
class Sandbox:
    state: SandboxState
    tokens: TokenStore
    recorder: Recorder
    faults: FaultInjector
    # Whether the partner may complete orders priced above zero with POST /payments/no/payment,
    # a permission Musement sets up "ahead of time" for merchants of record
    # (https://partner-api.musement.com/reference/3.4.0/tag/payments).
    no_payment_scope: bool = False
    # Seconds added before each API request is handled (a far-away upstream); see latency.py.
    latency: float = 0.0
