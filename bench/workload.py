"""What every scenario sends: the sandbox carts and a complete, valid customer."""

from __future__ import annotations

from typing import Any

import httpx2

from musement_mcp.sandbox import (
    EXTRA_DATA_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SandboxServer,
    product_id_of,
)
from musement_mcp.tools import MusementConfig

APPLICATION = "musement-mcp-bench"
# The seeded cart with extra customer data from four activities: a realistic schema to read.
SCHEMA_CART = EXTRA_DATA_CART_UUID
# The cart a PUT goes to asks for the sandbox test activity's questions.
UPDATE_ACTIVITY = SANDBOX_TEST_ACTIVITY_UUID
CUSTOMER: dict[str, Any] = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "email": "grace@example.com",
    "musement_newsletter": "NO",
    "allow_profiling": "NO",
    "thirdparty_newsletter": "NO",
    "events_related_newsletter": "YES",
    "extra_customer_data": {
        UPDATE_ACTIVITY: {"phone_number": "1234567890", "s_74380": "Hotel Artemide"}
    },
}


def musement_config(sandbox: SandboxServer) -> MusementConfig:
    """The upstream settings every implementation uses (same headers for all)."""
    return MusementConfig(base_url=sandbox.base_url, application=APPLICATION)


def make_carts(sandbox: SandboxServer, count: int) -> list[str]:
    """Fresh carts that ask for the test activity's questions, over the sandbox's HTTP API."""
    config = musement_config(sandbox)
    items = [
        {"type": "musement", "product_identifier": product_id_of(UPDATE_ACTIVITY), "quantity": 1}
    ]
    carts = []
    with httpx2.Client(base_url=config.base_url + "/", headers=config.headers()) as http:
        for _ in range(count):
            cart = http.post("carts").raise_for_status().json()["uuid"]
            http.post(f"carts/{cart}/items", json=items).raise_for_status()
            carts.append(cart)
    return carts
