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
