"""The field guide: every question of a form, in the order Musement asks it.

A compiled schema (customer or participants) carries one `FieldGuide` per
question; tools return them as `fields`, forms are built from them and
problems are sorted and labelled by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldGuide:
    """One question of a form, in the order Musement asks it."""

    path: str
    title: str
    type: str
    required: bool
    format: str | None = None
    options: list[dict[str, Any]] | None = None
    group: str | None = None
    multiple: bool = False
    example: str | None = None
    # What answering means, for the consent fields.
    description: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "type": self.type,
            "required": self.required,
            "format": self.format,
            "options": self.options,
            "group": self.group,
            "multiple": self.multiple,
            "example": self.example,
            "description": self.description,
        }


def guide(fields: list[FieldGuide]) -> dict[str, Any]:
    """The `fields` of a schema tool's result, options without labels that only repeat
    their value."""
    listed = [f.as_dict() for f in fields]
    for question in listed:
        if question["options"]:
            question["options"] = [_option(option) for option in question["options"]]
    return {"fields": listed}


def _option(option: dict[str, Any]) -> dict[str, Any]:
    if str(option["label"]).lower() == str(option["value"]).lower():
        return {"value": option["value"]}
    return dict(option)


def field_pattern(path: str) -> str:
    """A concrete path with list positions replaced by `*` (`participants.1.x` →
    `participants.*.x`)."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def parent_path(path: str) -> str:
    return path.rpartition(".")[0]
