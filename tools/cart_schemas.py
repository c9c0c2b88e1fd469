"""A cart's schemas, fetched through the cache, and payloads checked against them.

The customer and participants steps share this: a warm update reuses the
compiled schema (one upstream request, the PUT), and a payload that fails
against a cached schema is checked again against a fresh one before it is
blamed, since the cart may have changed since the schema was cached (see cache.py
for how fresh a kept schema is, and why that is enough).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence

from .cache import CachedSchema, Fingerprint, SchemaCache
from .errors import InvalidRequest, MusementError, ValidationFailed
from .json_types import JSONObject, JSONValue, as_array, object_at
from .schema import CompiledSchema, NormalizedSchema, compile_schema
from .upstream import MusementClient

SchemaListener = Callable[[CompiledSchema], None]
RawSchema = Callable[[], Awaitable[JSONObject]]


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
        self._language = client.config.language
        self._key: Hashable = (*key, *client.config.cache_key())
        self._cache = cache
        self._on_schema = on_schema
        self._checked_against_cached = False

    def cached(self) -> CachedSchema | None:
        """What the cache holds (no request)."""
        return self._cache.get(self._key) if self._cache else None

    def keep(
        self,
        schema: CompiledSchema | None,
        items: Fingerprint | None = None,
        *,
        confirmed: bool = False,
    ) -> None:
        """Cache `schema` (None: the item needs no participants), read beside `items`
        (`confirmed`: by two reads)."""
        if self._cache:
            self._cache.put(self._key, schema, items, confirmed=confirmed)

    async def fetch(self) -> CompiledSchema:
        """Read and compile the schema from Musement, not cached yet."""
        compiled = compile_schema(await self._fetch(), language=self._language)
        if self._on_schema:
            self._on_schema(compiled)
        return compiled

    async def fresh(self) -> CompiledSchema:
        compiled = await self.fetch()
        self.keep(compiled)
        return compiled

    async def current(self) -> CompiledSchema:
        hit = self.cached()
        return hit.schema if hit and hit.schema else await self.fresh()

    async def check(self, payload: JSONObject, *, partial: bool, what: str) -> CompiledSchema:
        """The schema `payload` is valid against, or `ValidationFailed` with every problem.
        An empty string for a field that is optional or not on the form is removed from
        `payload` first (in place): "not given", as `null` is."""
        hit = self.cached()
        cached = hit.schema if hit else None
        if cached:
            drop_unasked_blanks(cached.schema, payload)
        problems = cached.validate(payload, partial=partial) if cached else None
        self._checked_against_cached = cached is not None and problems is not None and not problems
        if self._checked_against_cached:
            assert cached is not None
            return cached
        compiled = await self.fresh()
        drop_unasked_blanks(compiled.schema, payload)
        said = f"{what} has {{counted}}; nothing was sent to Musement."
        _raise_problems(compiled, payload, partial=partial, said=said)
        return compiled

    async def explain_rejection(
        self, payload: JSONObject, rejected: InvalidRequest, *, partial: bool, what: str
    ) -> MusementError:
        """Musement refused a payload that passed the cached schema: the cart may have
        changed since. The problems against a fresh schema where it finds some, else
        Musement's own refusal. Either way the cached schema is dropped."""
        self.forget()
        if not self._checked_against_cached:
            return rejected
        try:
            compiled = await self.fresh()
            _raise_problems(
                compiled,
                payload,
                partial=partial,
                said=f"Musement refused the {what}: the cart changed since its form was read, "
                "and against the current form it has {counted}; nothing was stored.",
            )
        except ValidationFailed as failure:
            return failure
        except MusementError:
            pass
        return rejected

    def forget(self) -> None:
        if self._cache:
            self._cache.forget(self._key)


def _raise_problems(
    compiled: CompiledSchema, payload: JSONObject, *, partial: bool, said: str
) -> None:
    """`ValidationFailed` if `payload` has problems; `said` is the message, its `{counted}`
    the number of problems."""
    problems = compiled.validate(payload, partial=partial)
    if problems:
        counted = (
            f"{len(problems)} problem(s)"
            if problems.complete
            else f"more than {len(problems)} problems (the first {len(problems)} are listed)"
        )
        raise ValidationFailed(
            said.replace("{counted}", counted),
            details=problems,
            schema=compiled,
            payload=payload,
        )


def drop_unasked_blanks(schema: NormalizedSchema, payload: JSONValue) -> None:
    """Remove from `payload`, in place, every `""` given for a field that `schema` does not
    require or does not have: a model that follows a converted schema which lost the
    `null` option (Gemini's) sends `""` for what it was not asked. A required field given
    `""` is kept, and reported `blank`."""
    _drop_in_object(schema["properties"], schema.get("required", []), payload)


def _drop_blanks(schema: JSONObject, payload: JSONValue) -> None:
    if isinstance(payload, dict):
        required = as_array(schema.get("required")) or []
        _drop_in_object(object_at(schema, "properties"), required, payload)
    elif isinstance(payload, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for entry in payload:
                _drop_blanks(items, entry)


def _drop_in_object(
    properties: JSONObject, required: Sequence[JSONValue], payload: JSONValue
) -> None:
    if not isinstance(payload, dict):
        return
    for key in list(payload):
        value, field = payload[key], properties.get(key)
        if value == "" and (field is None or key not in required):
            del payload[key]
        elif isinstance(field, dict):
            _drop_blanks(field, value)
