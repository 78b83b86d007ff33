"""Table Schemas read into small typed objects: the one place constraints are read from.

Every other layer (the Pydantic models, the Pandera schemas, the loader's dtypes, the
exports' SQL, the README's data dictionary) is derived from these objects, so that a
column, a bound or an enum is written once, in ``schemas/*.schema.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FieldType = str  # "string" | "integer" | "number" | "date" | "boolean"


@dataclass(frozen=True)
class Field:
    """One column of a Table Schema.

    Examples
    --------
    >>> f = Field.from_descriptor({"name": "n", "type": "integer",
    ...                            "constraints": {"required": True, "minimum": 1}})
    >>> f.required, f.minimum
    (True, 1)
    """

    name: str
    type: FieldType
    description: str = ""
    title: str = ""
    format: str | None = None
    required: bool = False
    unique: bool = False
    enum: tuple[Any, ...] | None = None
    minimum: Any = None
    maximum: Any = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    example: Any = None

    @classmethod
    def from_descriptor(cls, d: dict[str, Any]) -> Field:
        """Read a field descriptor of the Table Schema standard."""
        c = d.get("constraints", {})
        ftype = d.get("type", "string")
        return cls(
            name=d["name"],
            type=ftype,
            description=d.get("description", ""),
            title=d.get("title", ""),
            format=d.get("format"),
            required=bool(c.get("required", False)),
            unique=bool(c.get("unique", False)),
            enum=tuple(c["enum"]) if "enum" in c else None,
            minimum=_bound(ftype, c.get("minimum")),
            maximum=_bound(ftype, c.get("maximum")),
            pattern=c.get("pattern"),
            min_length=c.get("minLength"),
            max_length=c.get("maxLength"),
            example=d.get("example"),
        )


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key: ``fields`` of this table reference ``fields`` of ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """A Table Schema: its fields, primary key and foreign keys."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)
    missing_values: tuple[str, ...] = ("",)

    @property
    def field_names(self) -> list[str]:
        """The column names, in order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called ``name``; ``KeyError`` if there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @classmethod
    def from_descriptor(cls, name: str, d: dict[str, Any]) -> TableSchema:
        """Read a Table Schema descriptor (already parsed JSON)."""
        fks = []
        for fk in d.get("foreignKeys", []):
            ref = fk["reference"]
            fks.append(
                ForeignKey(
                    fields=_as_tuple(fk["fields"]),
                    resource=ref.get("resource") or name,
                    reference_fields=_as_tuple(ref["fields"]),
                )
            )
        return cls(
            name=name,
            title=d.get("title", name),
            description=d.get("description", ""),
            fields=tuple(Field.from_descriptor(f) for f in d["fields"]),
            primary_key=_as_tuple(d.get("primaryKey", ())),
            foreign_keys=tuple(fks),
            missing_values=tuple(d.get("missingValues", [""])),
        )

    @classmethod
    def from_path(cls, name: str, path: Path) -> TableSchema:
        """Read a Table Schema file."""
        return cls.from_descriptor(name, json.loads(path.read_text(encoding="utf-8")))


def _as_tuple(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _bound(ftype: str, value: Any) -> Any:
    if value is None:
        return None
    if ftype == "date":
        return dt.date.fromisoformat(value)
    return value
