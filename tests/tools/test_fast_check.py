"""The fast validity check never accepts what jsonschema refuses, and is used for real carts."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from musement_mcp.sandbox import EXTRA_DATA_CART_UUID
from musement_mcp.tools import compile_schema
from musement_mcp.tools.fast_check import compile_check
from musement_mcp.tools.normalize import without_required
from musement_mcp.tools.schema import format_checker
from tests.support.schemas import MUSEMENT_SCHEMA

pytestmark = pytest.mark.property


@pytest.fixture(scope="module")
def schemas(sandbox) -> list[dict[str, Any]]:
    served = httpx2.get(
        f"{sandbox.base_url}/carts/{EXTRA_DATA_CART_UUID}/customer/schema",
        headers={"X-Musement-Application": "t"},
    ).json()
    return [compile_schema(raw).schema for raw in (served, MUSEMENT_SCHEMA)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)


def mutated(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid instances with one field replaced by anything, or a field removed."""

    def mutate(pair: tuple[dict[str, Any], Any, int]) -> Any:
        instance, junk, index = pair
        if not instance:
            return junk
        key = sorted(instance)[index % len(instance)]
        changed = dict(instance)
        if index % 3 == 0:
            del changed[key]
        else:
            changed[key] = junk
        return changed

    return st.tuples(from_schema(schema), json_values, st.integers(0, 50)).map(mutate)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fast_check_is_never_more_lenient_than_jsonschema(schemas, data) -> None:
    schema = data.draw(st.sampled_from(schemas))
    partial = data.draw(st.booleans())
    checker = format_checker()
    fast = compile_check(schema, checker, partial=partial)
    assert fast is not None  # real carts take the fast path
    target = without_required(schema) if partial else schema
    reference = Draft202012Validator(target, format_checker=checker)
    instance = data.draw(st.one_of(from_schema(schema), mutated(schema), json_values))
    if fast(instance):
        assert reference.is_valid(instance), instance


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_valid_customers_take_the_fast_path(schemas, data) -> None:
    schema = data.draw(st.sampled_from(schemas))
    fast = compile_check(schema, format_checker(), partial=False)
    assert fast(data.draw(from_schema(schema)))
