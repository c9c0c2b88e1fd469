"""Short-lived memory of what a cart's reads said: compiled schemas and the cart's items.

A cart's customer schema is a function of the cart's items (and the request headers),
and an item's participants schema a function of the item: while those stay the same,
so does the schema. So a schema is kept with the item list it was read beside (its
`items` fingerprint) and reused by a later read only while the cart, read again,
still has the same items, and only once two reads beside those items agreed (the cart
and its schema are read at the same time: an item added between the two answers must
not tie the old schema to the new items); an update reuses it within the TTL (60 s by default) and,
where the payload fails against it, checks against a fresh one before blaming the
payload. Musement validates every write itself, so a schema that went stale in
between can never let wrong data in: at worst Musement's own 400 is the answer.

The cart's item UUIDs are kept too, so a later `get_cart` can ask for each item's
participants at once, beside the cart, instead of after it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .schema import CompiledSchema

Fingerprint = tuple[tuple[str, ...], ...]
V = TypeVar("V")


@dataclass(frozen=True)
class CachedSchema:
    """A compiled schema, or None where Musement said the item needs no participants;
    `items`: the cart's items it was read beside, None when not known; `confirmed`: a
    second read beside the same items gave the same schema."""

    schema: CompiledSchema | None
    items: Fingerprint | None = None
    confirmed: bool = False


class _Expiring(Generic[V]):
    """A bounded LRU map whose entries expire `ttl_seconds` after they were put."""

    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if time.monotonic() >= expires_at:
            del self._entries[key]
            return None
        return value

    def put(self, key: Hashable, value: V) -> None:
        if self.ttl_seconds <= 0:
            return
        self._entries[key] = (time.monotonic() + self.ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)


class SchemaCache:
    """Schemas by (cart, what, headers) and item lists by (cart, headers); `ttl_seconds`
    0 turns both off."""

    def __init__(self, ttl_seconds: float = 60.0, max_entries: int = 1024) -> None:
        self.ttl_seconds = ttl_seconds
        self._schemas: _Expiring[CachedSchema] = _Expiring(ttl_seconds, max_entries)
        self._items: _Expiring[tuple[str, ...]] = _Expiring(ttl_seconds, max_entries)

    def get(self, key: Hashable) -> CachedSchema | None:
        return self._schemas.get(key)

    def put(
        self,
        key: Hashable,
        schema: CompiledSchema | None,
        items: Fingerprint | None = None,
        *,
        confirmed: bool = False,
    ) -> None:
        if items is None:
            # The same schema read again without its cart's items is still the schema
            # of those items (identical schemas compile to one object).
            known = self._schemas.get(key)
            if known is not None and known.schema is schema:
                items, confirmed = known.items, known.confirmed
        self._schemas.put(key, CachedSchema(schema, items, confirmed))

    def forget(self, key: Hashable) -> None:
        self._schemas.forget(key)

    def items_of(self, cart_key: Hashable) -> tuple[str, ...]:
        """The item UUIDs the cart had when last read (none when not known)."""
        return self._items.get(cart_key) or ()

    def remember_items(self, cart_key: Hashable, items: tuple[str, ...]) -> None:
        self._items.put(cart_key, items)
