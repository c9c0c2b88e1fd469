"""The Musement Partner API v3, as this product calls it.

- config.py     MusementConfig: base URL, headers, credentials, budgets
- endpoints.py  MusementClient: one method per endpoint; each endpoint's 404 and 423 are its
                resource's errors, and the shapes that are ours come back typed
- sending.py    one pooled connection, the call's deadline, a lane per cart, retries, capped reads
- retry.py      which failures are retried and when; the time budget of one tool call
- auth.py       POST /login, the token kept and renewed, the early login thread
- answers.py    an answer's body, or the typed failure its status means
"""

from .auth import EarlyLogin
from .config import PUBLIC_SANDBOX_URL, MusementConfig
from .endpoints import MusementClient
from .sending import PER_CART_CONCURRENCY

__all__ = [
    "PER_CART_CONCURRENCY",
    "PUBLIC_SANDBOX_URL",
    "EarlyLogin",
    "MusementClient",
    "MusementConfig",
]
