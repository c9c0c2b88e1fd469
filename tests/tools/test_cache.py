"""tools/cache.py: what a cart's reads said, kept for a while: schemas with the items they
were read beside, and the cart's item list; bounded in time and in entries. The cache reads
`time.monotonic`, replaced here by a clock the test moves."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from musement_mcp.tools import cache as cache_module
from musement_mcp.tools import compile_schema
from musement_mcp.tools.cache import SchemaCache
from musement_mcp.tools.schema import CompiledSchema

ITEMS = (("item-1", "activity-1", "2"),)
OTHER_ITEMS = (("item-1", "activity-1", "3"),)


def schema(title: str) -> CompiledSchema:
    return compile_schema(
        {"type": "object", "title": title, "properties": {"firstname": {"type": "string"}}}
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    # The module's own `time` only: the event loop and pytest keep the real clock.
    monkeypatch.setattr(cache_module, "time", SimpleNamespace(monotonic=moved))
    return moved


def test_an_entry_lives_exactly_its_ttl(clock: Clock) -> None:
    cache = SchemaCache(ttl_seconds=60)
    form = schema("a")
    cache.put("key", form, ITEMS, confirmed=True)
    clock.now += 59.9
    kept = cache.get("key")
    assert kept is not None and (kept.schema, kept.items, kept.confirmed) == (form, ITEMS, True)
    clock.now += 0.1
    assert cache.get("key") is None
    cache.remember_items("cart", ("item-1",))
    clock.now += 60
    assert cache.items_of("cart") == ()


def test_a_ttl_of_zero_keeps_nothing(clock: Clock) -> None:
    cache = SchemaCache(ttl_seconds=0)
    cache.put("key", schema("a"), ITEMS)
    cache.remember_items("cart", ("item-1",))
    assert cache.get("key") is None and cache.items_of("cart") == ()


def test_the_oldest_put_goes_first_when_full(clock: Clock) -> None:
    cache = SchemaCache(max_entries=2)
    for key in ("a", "b", "c"):
        cache.put(key, schema(key))
    assert cache.get("a") is None
    assert cache.get("b") is not None and cache.get("c") is not None
    cache.put("b", schema("b"))  # put again: now the newest
    cache.put("d", schema("d"))
    assert cache.get("c") is None and cache.get("b") is not None


def test_a_schema_read_again_without_items_keeps_the_items_it_was_read_beside(
    clock: Clock,
) -> None:
    cache = SchemaCache()
    form = schema("a")
    cache.put("key", form, ITEMS, confirmed=True)
    cache.put("key", form)  # the same (compiled once, so the same object), items unknown
    kept = cache.get("key")
    assert kept is not None and (kept.items, kept.confirmed) == (ITEMS, True)
    # Another schema without its items: nothing is known of what it was read beside.
    cache.put("key", schema("b"))
    kept = cache.get("key")
    assert kept is not None and (kept.items, kept.confirmed) == (None, False)
    # Read beside other items: those, and not confirmed until a second read agrees.
    cache.put("key", form, OTHER_ITEMS)
    kept = cache.get("key")
    assert kept is not None and (kept.items, kept.confirmed) == (OTHER_ITEMS, False)


def test_no_participants_needed_is_kept_as_an_answer_and_forget_drops_it(clock: Clock) -> None:
    cache = SchemaCache()
    cache.put("item", None, ITEMS)
    kept = cache.get("item")
    assert kept is not None and kept.schema is None
    cache.forget("item")
    cache.forget("never-put")  # forgetting what is not there is not an error
    assert cache.get("item") is None


def test_item_lists_are_kept_apart_from_schemas(clock: Clock) -> None:
    cache = SchemaCache()
    assert cache.items_of("cart") == ()
    cache.remember_items("cart", ("item-1", "item-2"))
    cache.put("cart", schema("a"))
    assert cache.items_of("cart") == ("item-1", "item-2")
    cache.forget("cart")
    assert cache.items_of("cart") == ("item-1", "item-2")
