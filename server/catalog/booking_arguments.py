"""The argument schemas the catalog tools share (strict-expressible: nullable, no defaults)."""

from __future__ import annotations

from typing import Any

from ...tools.input_schema import nullable

CATALOG = "catalog"
ACTIVITY_UUID: dict[str, Any] = {"type": "string", "description": "From search_activities."}
DAY: dict[str, Any] = {"type": "string", "format": "date", "description": "YYYY-MM-DD."}
PICKUP = nullable({"type": "string"}, "pickup_uuid from get_activity, for activities with pickups.")
