"""LangChain's view of the server, run with tests/langchain/.venv's Python (mcp 1, see
requirements.txt) by tests/e2e/test_adapters.py.

Input (argv[1], JSON): {"command": [server command line], "carts": [cart UUIDs],
"gemini_carts": [cart UUIDs]}.
Output (stdout, JSON): the tools as langchain-mcp-adapters loads them, each converted with
langchain-core's `convert_to_openai_tool(tool, strict=True)`, and per cart the transcript of
the customer step driven through the adapter's own tool objects (`ainvoke`), its arguments
built only from the converted schemas; then the same for Gemini: each tool converted by
langchain-google-genai (`parameters`), and per Gemini cart a transcript whose arguments are
built from those. Each transcript's cart is then ordered (`order`: create_order unconfirmed,
then confirmed with its token, then get_order), and `versions` names the distributions used.
"""

from __future__ import annotations

import asyncio
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_google_genai._function_utils import convert_to_genai_function_declarations
from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools

sys.path.insert(0, str(Path(__file__).parents[2]))
from tests.support.agent_flow import (  # noqa: E402
    complete_customer_step,
    from_gemini,
    place_order,
    result_json,
)

# The distributions whose versions the docs' table names (tests/support/frameworks.py).
DISTRIBUTIONS = ("langchain-mcp-adapters", "langchain-core", "langchain-google-genai")


async def main(config: dict[str, Any]) -> dict[str, Any]:
    command, *args = config["command"]
    client = MultiServerMCPClient(
        {"musement": {"transport": "stdio", "command": command, "args": args}}
    )
    # One session for the whole run (without it, each call starts a new server process).
    async with client.session("musement") as session:
        tools = {tool.name: tool for tool in await load_mcp_tools(session)}
        converted = {name: convert_to_openai_tool(t, strict=True) for name, t in tools.items()}
        schemas = {name: tool["function"]["parameters"] for name, tool in converted.items()}

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            return result_json(await tools[name].ainvoke(arguments))

        runs = [await complete_customer_step(call, schemas, cart) for cart in config["carts"]]
        for run, cart in zip(runs, config["carts"], strict=True):
            run["order"] = await place_order(call, schemas, cart)
        # Gemini: the same tools converted by langchain-google-genai, the arguments built from
        # what Gemini is shown (nested null options lost: "" for what was not asked).
        gemini = {name: gemini_parameters(tool) for name, tool in tools.items()}
        gemini_schemas = {name: from_gemini(schema) for name, schema in gemini.items()}
        gemini_runs = [
            await complete_customer_step(call, gemini_schemas, cart)
            for cart in config["gemini_carts"]
        ]
        for run, cart in zip(gemini_runs, config["gemini_carts"], strict=True):
            run["order"] = await place_order(call, gemini_schemas, cart)
    return {
        "tools": [
            {"name": t.name, "description": t.description, "args_schema": t.args_schema}
            for t in tools.values()
        ],
        "openai": converted,
        "runs": runs,
        "gemini": gemini,
        "gemini_runs": gemini_runs,
        "versions": {name: metadata.version(name) for name in DISTRIBUTIONS},
    }


def gemini_parameters(tool: Any) -> dict[str, Any]:
    [converted] = convert_to_genai_function_declarations([tool])
    [declaration] = converted.function_declarations
    return dict(declaration.parameters.model_dump(exclude_none=True, mode="json"))


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
