"""One `tools/call`, from arguments to result: the pipeline every tool goes through.

1. the tool is looked up in the catalog, its arguments checked against its
   published input schema (names, required, booleans sent as strings);
2. its handler runs (the domain call, with the user asked where they can be);
3. the outcome becomes a result: structured content, an `isError` result with
   the typed error body, or an input request (2026-07-28 elicitation);
4. the call is logged (tool, outcome, duration; never arguments);
5. schemas seen during the call may refine the tool list, which is announced.

The SDK does not validate arguments, so this does, and every failure becomes a
result the model can read: an exception escaping a handler would reach the
client as an opaque JSON-RPC error. `ToolRunner.run` needs no MCP session, so
the whole pipeline is unit-tested directly.
"""

from __future__ import annotations

import difflib
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from ..tools import InternalError, InvalidArgument, MusementError
from ..tools.arguments import MAX_REPORTED
from ..tools.problems import Problem, problem
from .catalog import BY_NAME
from .live_tools import LiveTools
from .toolkit import Published, ServerState, ToolCall, ToolSpec

logger = logging.getLogger("musement_mcp.server")

CallResult = types.CallToolResult | types.InputRequiredResult


class ToolRunner:
    """Runs the tools of `tools` (the catalog by default) through the pipeline above."""

    def __init__(self, live: LiveTools, tools: Mapping[str, ToolSpec] = BY_NAME) -> None:
        self.live = live
        self.tools = tools

    async def run(
        self,
        state: ServerState,
        params: types.CallToolRequestParams,
        ctx: ServerRequestContext[ServerState] | None = None,
    ) -> CallResult:
        tool = self.tools.get(params.name)
        if tool is None or not tool.listed_by(self.live.orders):
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        started = time.perf_counter()
        call = ToolCall(args={}, state=state, params=params, ctx=ctx)
        result: CallResult
        try:
            schema = (
                self.live.input_schema(tool.name)
                or tool.definition(
                    Published(self.live.customer_input, self.live.orders)
                ).input_schema
            )
            call.args = check_arguments(schema, params.arguments)
            outcome = await tool.handler(call)
            if isinstance(outcome, types.InputRequiredResult):
                result, label = outcome, "input_required"
            else:
                result, label = success_result(outcome), "ok"
        except MusementError as exc:
            result, label = error_result(exc), exc.type
        except ExceptionGroup as group:
            # Concurrent reads that failed together: the first typed failure is the answer.
            typed = group.subgroup(MusementError)
            failure = _first_leaf(typed) if typed else _internal(tool.name, group)
            result, label = error_result(failure), failure.type
        except Exception as exc:  # a bug: report it as a result, log no data
            failure = _internal(tool.name, exc)
            result, label = error_result(failure), failure.type
        logger.info(
            "tool call",
            extra={
                "tool": tool.name,
                "outcome": label,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        if any([self.live.observe(compiled) for compiled in call.seen_schemas]):
            await self.live.announce()
        return result


def _internal(tool: str, exc: BaseException) -> InternalError:
    logger.error("tool %s failed with %s", tool, type(exc).__name__)
    return InternalError(f"Unexpected {type(exc).__name__} in musement-mcp.")


def _first_leaf(group: BaseExceptionGroup[MusementError]) -> MusementError:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


def check_arguments(
    schema: Mapping[str, Any], arguments: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The arguments, checked against a tool's input schema at the top level.

    All required names present, none unknown (with a did-you-mean), and booleans
    taken from "true"/"false" strings, as low-code platforms often send them. The
    values themselves are checked by the domain call.
    """
    args = dict(arguments or {})
    properties: Mapping[str, Any] = schema.get("properties", {})
    known = list(properties)
    unknown = [name for name in args if name not in properties]
    problems: list[Problem] = []
    # Bounded: a call with thousands of unknown names gets a short answer, fast.
    for name in unknown[:MAX_REPORTED]:
        unknown_name = problem(name[:100], "unknown_argument", "is not an argument of this tool")
        guess = difflib.get_close_matches(name[:100], known, n=1, cutoff=0.6)
        if guess:
            unknown_name["message"] += f"; did you mean '{guess[0]}'?"
        problems.append(unknown_name)
    if len(unknown) > MAX_REPORTED:
        problems.append(
            problem(
                "",
                "unknown_argument",
                f"and {len(unknown) - MAX_REPORTED} more unknown arguments",
            )
        )
    for name in list(args):
        kinds = _types(properties.get(name))
        if args[name] is None and "null" in kinds:
            del args[name]  # null means "not given", as strict clients must send it
        elif name in properties and "boolean" in kinds:
            flag = _as_bool(args[name])
            if flag is None:
                problems.append(problem(name, "wrong_type", "must be true or false"))
            args[name] = flag
    for name in schema.get("required", []):
        if name not in args and "null" not in _types(properties.get(name)):
            problems.append(problem(name, "required", "is required"))
    if problems:
        raise InvalidArgument(
            "The arguments do not match the tool: "
            + "; ".join(f"{p['path']} {p['message']}".strip() for p in problems[:5])
            + ("; ..." if len(problems) > 5 else ""),
            details=problems,
        )
    return args


def _types(schema: Any) -> list[Any]:
    """The JSON types a property schema allows (its `type`, or its `anyOf` branches')."""
    if not isinstance(schema, Mapping):
        return []
    if isinstance(schema.get("anyOf"), list):
        return [kind for branch in schema["anyOf"] for kind in _types(branch)]
    kinds = schema.get("type")
    return kinds if isinstance(kinds, list) else [kinds]


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def success_result(model: BaseModel) -> types.CallToolResult:
    """The result as compact JSON: nulls and defaults (false flags, `type: string`) left
    out, since every token of it is read by the model."""
    data = model.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=data
    )


def error_result(error: MusementError) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(error.to_dict()))],
        is_error=True,
    )
