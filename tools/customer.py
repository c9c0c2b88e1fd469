"""The customer step of a checkout: read what a cart needs, send the customer.

Plain async functions over a `MusementClient`; no MCP here. Arguments are
checked before any network call, and `customer` is validated against the
cart's own schema before the PUT, so invalid input never reaches Musement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .cache import SchemaCache
from .client import MusementClient
from .errors import CartLocked, CartNotFound, InvalidArgument, InvalidRequest, ValidationFailed
from .models import CustomerSchemaResult, UpdateCustomerResult
from .schema import CompiledSchema, compile_customer_schema

# ASCII only: a look-alike digit or a `/` must never reach a URL path.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
MAX_CUSTOMER_BYTES = 64 * 1024
MAX_CUSTOMER_DEPTH = 6


def check_cart_uuid(value: Any) -> str:
    """The cart UUID, lower-cased, or `InvalidArgument` before anything is sent."""
    if isinstance(value, str) and _UUID.fullmatch(value.lower()):
        return value.lower()
    shown = type(value).__name__ if not isinstance(value, str) else f"{len(value)} characters"
    raise InvalidArgument(
        f"cart_uuid must be a UUID like 'c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00' (got {shown}).",
        details=[{"path": "cart_uuid", "message": "must be a UUID (8-4-4-4-12 hex digits)"}],
        hint="Pass the UUID of the cart exactly as the booking flow returned it.",
    )


def parse_customer(value: Any, *, partial: bool) -> dict[str, Any]:
    """`customer` as an object; some clients send it as a JSON string."""
    if isinstance(value, str):
        if len(value) > MAX_CUSTOMER_BYTES:
            raise _too_large()
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidArgument(
                "customer is a string that is not valid JSON.",
                details=[{"path": "customer", "message": "must be a JSON object"}],
            ) from None
    if not isinstance(value, dict):
        raise InvalidArgument(
            f"customer must be an object of fields, not {_json_type(value)}.",
            details=[{"path": "customer", "message": "must be an object"}],
        )
    if _depth(value) > MAX_CUSTOMER_DEPTH:
        raise InvalidArgument(
            f"customer nests deeper than {MAX_CUSTOMER_DEPTH} levels.",
            details=[{"path": "customer", "message": "is nested too deeply"}],
        )
    if len(json.dumps(value, separators=(",", ":"))) > MAX_CUSTOMER_BYTES:
        raise _too_large()
    if partial and not value:
        raise InvalidArgument(
            "customer is empty: a partial update needs at least one field.",
            details=[{"path": "customer", "message": "has no fields"}],
        )
    return value


SchemaListener = Callable[[CompiledSchema], None]


async def get_customer_schema(
    client: MusementClient,
    cart_uuid: Any,
    *,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> CustomerSchemaResult:
    """What the cart needs from the customer: normalized schema and field guide.

    `on_schema` sees every schema fetched from Musement (not cache hits).
    """
    cart_uuid = check_cart_uuid(cart_uuid)
    with client.call_budget():
        compiled = await _fetch_schema(client, cart_uuid, cache, on_schema)
    return _schema_result(cart_uuid, compiled)


async def update_cart_customer(
    client: MusementClient,
    cart_uuid: Any,
    customer: Any,
    *,
    partial: bool = False,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> UpdateCustomerResult:
    """Validate `customer` against the cart's schema, then `PUT` it.

    With `partial`, required fields are not enforced: Musement merges a partial
    body into the stored customer (e.g. only `extra_customer_data`).
    """
    cart_uuid = check_cart_uuid(cart_uuid)
    customer = parse_customer(customer, partial=partial)
    with client.call_budget():
        return await _validate_then_put(client, cart_uuid, customer, partial, cache, on_schema)


async def _validate_then_put(
    client: MusementClient,
    cart_uuid: str,
    customer: dict[str, Any],
    partial: bool,
    cache: SchemaCache | None,
    on_schema: SchemaListener | None,
) -> UpdateCustomerResult:
    compiled = cache.get(_cache_key(client, cart_uuid)) if cache else None
    problems = compiled.validate(customer, partial=partial) if compiled else None
    if problems is None or problems:
        # Cold cache, or the cached schema may be stale (items changed): decide
        # on a fresh one before blaming the input.
        compiled = await _fetch_schema(client, cart_uuid, cache, on_schema)
        problems = compiled.validate(customer, partial=partial)
    if problems:
        raise ValidationFailed(
            f"customer has {len(problems)} problem(s); nothing was sent to Musement.",
            details=problems,
            schema=compiled,
            customer=customer,
        )
    try:
        stored = await client.put_customer(cart_uuid, customer)
    except (CartLocked, CartNotFound, InvalidRequest):
        if cache:
            cache.forget(_cache_key(client, cart_uuid))
        raise
    return UpdateCustomerResult.model_validate(
        {"cart_uuid": cart_uuid, "mode": "partial" if partial else "full", "customer": stored}
    )


async def _fetch_schema(
    client: MusementClient,
    cart_uuid: str,
    cache: SchemaCache | None,
    on_schema: SchemaListener | None,
) -> CompiledSchema:
    raw = await client.get_customer_schema(cart_uuid)
    compiled = compile_customer_schema(raw)
    if cache:
        cache.put(_cache_key(client, cart_uuid), compiled)
    if on_schema:
        on_schema(compiled)
    return compiled


def _cache_key(client: MusementClient, cart_uuid: str) -> tuple[str, ...]:
    return (cart_uuid, *client.config.cache_key())


def _schema_result(cart_uuid: str, compiled: CompiledSchema) -> CustomerSchemaResult:
    fields = [f.as_dict() for f in compiled.fields]
    return CustomerSchemaResult.model_validate(
        {
            "cart_uuid": cart_uuid,
            "schema": compiled.schema,
            "fields": fields,
            "required": [f["path"] for f in fields if f["required"]],
        }
    )


def _too_large() -> InvalidArgument:
    return InvalidArgument(
        f"customer is larger than {MAX_CUSTOMER_BYTES // 1024} KiB.",
        details=[{"path": "customer", "message": "is too large"}],
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _depth(value: Any, level: int = 1) -> int:
    """How deeply `value` nests; stops counting past the cap."""
    if level > MAX_CUSTOMER_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level
