"""The field guide: every question of a form, in the order Musement asks it.

A compiled schema (customer or participants) carries one `FieldGuide` per
question; tools return them as `fields`, forms are built from them and
problems are sorted and labelled by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict

# A value a choice may take: a JSON scalar other than null.
Choice = str | int | float | bool


class Option(TypedDict):
    """One allowed value of a choice and its label."""

    value: Choice
    label: str


class ListedOption(TypedDict):
    """An option as a schema tool lists it: no label where it only repeats the value."""

    value: Choice
    label: NotRequired[str]


class ListedField(TypedDict):
    """One question as a schema tool lists it (`FieldGuide.as_dict()`)."""

    path: str
    title: str
    type: str
    required: bool
    format: str | None
    options: list[ListedOption] | None
    group: str | None
    multiple: bool
    example: str | None
    description: str | None


@dataclass(frozen=True)
class FieldGuide:
    """One question of a form, in the order Musement asks it."""

    path: str
    title: str
    type: str
    required: bool
    format: str | None = None
    options: list[Option] | None = None
    group: str | None = None
    multiple: bool = False
    example: str | None = None
    # What answering means, for the consent fields.
    description: str | None = None

    def as_dict(self) -> ListedField:
        """The question as a schema tool lists it (options as `guide` lists them)."""
        return {
            "path": self.path,
            "title": self.title,
            "type": self.type,
            "required": self.required,
            "format": self.format,
            "options": None if self.options is None else [_option(o) for o in self.options],
            "group": self.group,
            "multiple": self.multiple,
            "example": self.example,
            "description": self.description,
        }


def guide(fields: list[FieldGuide]) -> dict[str, list[ListedField]]:
    """The `fields` of a schema tool's result, options without labels that only repeat
    their value."""
    return {"fields": [f.as_dict() for f in fields]}


def _option(option: Option) -> ListedOption:
    if option["label"].lower() == str(option["value"]).lower():
        return {"value": option["value"]}
    return {"value": option["value"], "label": option["label"]}


def field_pattern(path: str) -> str:
    """A concrete path with list positions replaced by `*` (`participants.1.x` →
    `participants.*.x`)."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def parent_path(path: str) -> str:
    return path.rpartition(".")[0]
