"""A cart's schemas, fetched through the cache, and payloads checked against them.

The customer and participants steps share this: a warm update reuses the
compiled schema (one upstream request, the PUT), and a payload that fails
against a cached schema is checked again against a fresh one before it is
blamed, since the cart may have changed since the schema was cached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from .cache import SchemaCache
from .client import MusementClient
from .errors import ValidationFailed
from .schema import CompiledSchema, compile_schema

SchemaListener = Callable[[CompiledSchema], None]
RawSchema = Callable[[], Awaitable[dict[str, Any]]]


class CartSchema:
    """One schema of one cart (its customer form, or an item's participants form)."""

    def __init__(
        self,
        client: MusementClient,
        fetch: RawSchema,
        *key: str,
        cache: SchemaCache | None,
        on_schema: SchemaListener | None = None,
    ) -> None:
        self._fetch = fetch
        self._key: Hashable = (*key, *client.config.cache_key())
        self._cache = cache
        self._on_schema = on_schema

    async def fresh(self) -> CompiledSchema:
        compiled = compile_schema(await self._fetch())
        if self._cache:
            self._cache.put(self._key, compiled)
        if self._on_schema:
            self._on_schema(compiled)
        return compiled

    async def current(self) -> CompiledSchema:
        cached = self._cache.get(self._key) if self._cache else None
        return cached or await self.fresh()

    async def check(self, payload: Any, *, partial: bool, what: str) -> CompiledSchema:
        """The schema `payload` is valid against, or `ValidationFailed` with every problem."""
        cached = self._cache.get(self._key) if self._cache else None
        problems = cached.validate(payload, partial=partial) if cached else None
        if cached is not None and problems is not None and not problems:
            return cached
        compiled = await self.fresh()
        problems = compiled.validate(payload, partial=partial)
        if problems:
            counted = (
                f"{len(problems)} problem(s)"
                if problems.complete
                else f"more than {len(problems)} problems (the first {len(problems)} are listed)"
            )
            raise ValidationFailed(
                f"{what} has {counted}; nothing was sent to Musement.",
                details=problems,
                schema=compiled,
                payload=payload,
            )
        return compiled

    def forget(self) -> None:
        if self._cache:
            self._cache.forget(self._key)
