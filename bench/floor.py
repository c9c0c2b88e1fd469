"""The floor: the same two upstream calls made directly with httpx2, no MCP in between."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx2

from musement_mcp.tools import MusementConfig


class Floor:
    """`GET .../customer/schema` and `PUT .../customer` on one pooled client, JSON parsed."""

    def __init__(self, config: MusementConfig) -> None:
        self._http = httpx2.AsyncClient(
            base_url=config.base_url.rstrip("/") + "/",
            headers=config.headers(),
            timeout=config.timeout,
        )

    async def get_schema(self, cart_uuid: str) -> Any:
        response = await self._http.get(f"carts/{cart_uuid}/customer/schema")
        return response.raise_for_status().json()

    async def put_customer(self, cart_uuid: str, customer: dict[str, Any]) -> Any:
        response = await self._http.put(f"carts/{cart_uuid}/customer", json=customer)
        return response.raise_for_status().json()

    async def __aenter__(self) -> Floor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._http.aclose()
