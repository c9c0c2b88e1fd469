"""OpenAI's documented rules for strict function calling (Structured Outputs, "Supported
schemas"), as a checker: what OpenAI would refuse in a tool's `parameters` with `strict: true`.

- the root is an object, not `anyOf`;
- every object sets `additionalProperties: false` and lists all its properties in `required`
  (an optional field is a union with `null`);
- types: string, number, integer, boolean, object, array, null (alone or as a type list),
  `enum`, `const`, `anyOf` (not at the root); `$ref`/`$defs` allowed;
- supported keywords only: strings `pattern`, `format` (date-time, time, date, duration, email,
  hostname, ipv4, ipv6, uuid); numbers `multipleOf`, `minimum`, `maximum`,
  `exclusiveMinimum`, `exclusiveMaximum`; arrays `items`, `minItems`, `maxItems`; plus
  `title` and `description`. Anything else (`default`, `oneOf`, `allOf`, `not`, `if`,
  `patternProperties`, `uniqueItems`, `minLength`...) is refused;
- at most 10 levels of nesting, 5000 properties, 1000 enum values.

Standard library only.
"""

from __future__ import annotations

from typing import Any

TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}
FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "anyOf", "$ref", "$defs", "definitions", "title", "description", "pattern", "format",
    "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems",
    "maxItems",
}  # fmt: skip
MAX_DEPTH, MAX_PROPERTIES, MAX_ENUM_VALUES = 10, 5000, 1000


def openai_strict_problems(schema: dict[str, Any]) -> list[str]:
    """Every rule `schema` breaks, as `path: problem`; empty when OpenAI's strict mode takes it."""
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append(f"$: the root must be type object, not {schema.get('type')!r}")
    if "anyOf" in schema:
        problems.append("$: anyOf at the root")
    counts = {"properties": 0, "enum": 0}
    _check(schema, "$", 0, problems, counts)
    if counts["properties"] > MAX_PROPERTIES:
        problems.append(f"$: {counts['properties']} properties (max {MAX_PROPERTIES})")
    if counts["enum"] > MAX_ENUM_VALUES:
        problems.append(f"$: {counts['enum']} enum values (max {MAX_ENUM_VALUES})")
    return problems


def _check(node: Any, path: str, depth: int, problems: list[str], counts: dict[str, int]) -> None:
    if not isinstance(node, dict):
        problems.append(f"{path}: a schema must be an object, got {node!r:.60}")
        return
    if depth > MAX_DEPTH:
        problems.append(f"{path}: nested deeper than {MAX_DEPTH} levels")
    for key in node:
        if key not in KEYWORDS:
            problems.append(f"{path}: unsupported keyword {key!r}")
    kinds = node.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds is not None:
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            if kind not in TYPES:
                problems.append(f"{path}: unsupported type {kind!r}")
    elif not {"anyOf", "$ref", "enum", "const"} & set(node):
        problems.append(f"{path}: no type")
    if "format" in node and node["format"] not in FORMATS:
        problems.append(f"{path}: unsupported format {node['format']!r}")
    if "enum" in node:
        counts["enum"] += len(node["enum"])
        if kinds and "null" not in kinds and None in node["enum"]:
            problems.append(f"{path}: enum has null but the type does not")
        if kinds and "null" in kinds and None not in node["enum"]:
            problems.append(f"{path}: nullable type, but enum without null (null refused)")
    if kinds and "object" in kinds or "properties" in node:
        properties = node.get("properties", {})
        counts["properties"] += len(properties)
        if node.get("additionalProperties") is not False:
            problems.append(f"{path}: additionalProperties must be false")
        missing = [key for key in properties if key not in node.get("required", [])]
        if missing:
            problems.append(f"{path}: not required: {', '.join(missing)}")
        for key, child in properties.items():
            _check(child, f"{path}.{key}", depth + 1, problems, counts)
    if "items" in node:
        _check(node["items"], f"{path}[]", depth + 1, problems, counts)
    for index, branch in enumerate(node.get("anyOf", [])):
        _check(branch, f"{path}|{index}", depth, problems, counts)
    for name, definition in node.get("$defs", {}).items():
        _check(definition, f"$defs.{name}", depth, problems, counts)


def emptied_objects(before: dict[str, Any], after: Any, path: str = "$") -> list[str]:
    """Where a transform turned an object schema with properties into one without (`{}` or
    an object of no properties): the paths, empty when nothing was lost."""
    lost: list[str] = []
    if not isinstance(after, dict):
        return [f"{path}: became {after!r:.60}"]
    if before.get("properties") and not after.get("properties"):
        lost.append(f"{path}: properties dropped")
    for key, child in before.get("properties", {}).items():
        if key in after.get("properties", {}):
            lost += emptied_objects(child, after["properties"][key], f"{path}.{key}")
    if isinstance(before.get("items"), dict) and "items" in after:
        lost += emptied_objects(before["items"], after["items"], f"{path}[]")
    return lost
