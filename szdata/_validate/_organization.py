"""Organization and alias rules: unique names, no parent cycle, one organization per alias."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._core._normalize import name_key
from szdata._validate._common import has_columns
from szdata._validate._load import LINE, Context, LoadedTable

if TYPE_CHECKING:
    from szdata._validate._report import Issue


def check_organizations(ctx: Context) -> list[Issue]:
    """The organization rules: unique names, no parent cycle, one organization per alias."""
    orgs = ctx.table("organizations")
    if not has_columns(orgs, "organization_id", "name", "parent_id"):
        return []
    assert orgs is not None and orgs.typed is not None
    issues: list[Issue] = []
    rows = orgs.typed.select(LINE, "organization_id", "name", "parent_id").rows()
    first_by_key: dict[str, tuple[int, str, str]] = {}
    for line, oid, name, _ in rows:
        if name is None or oid is None:
            continue
        key = name_key(name)
        seen = first_by_key.setdefault(key, (line, oid, name))
        if seen[0] != line and seen[2] != name:  # exact repeats are structure.unique
            issues.append(
                orgs.issue(
                    "organization.unique-name",
                    line,
                    "name",
                    name,
                    f"{name!r} is the name of {seen[1]} ({seen[2]!r}, line {seen[0]}) once "
                    "quotes, spaces and case are normalised",
                )
            )
    parent = {oid: p for _, oid, _, p in rows if oid is not None}
    line_of = {oid: line for line, oid, _, _ in reversed(rows) if oid is not None}
    for _line, oid, _, _ in rows:
        if oid is None:
            continue
        path, node = [oid], parent.get(oid)
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent.get(node)
        if node == oid:
            issues.append(
                orgs.issue(
                    "organization.parent-cycle",
                    line_of[oid],
                    "parent_id",
                    parent[oid],
                    "parents lead back to the organization: " + " -> ".join([*path, oid]),
                )
            )
    aliases = ctx.table("aliases")
    if has_columns(aliases, "alias", "organization_id") and aliases is not None:
        issues += _check_aliases(aliases, first_by_key)
    return issues


def _check_aliases(aliases: LoadedTable, names: dict[str, tuple[int, str, str]]) -> list[Issue]:
    assert aliases.typed is not None
    issues: list[Issue] = []
    owner: dict[str, tuple[int, str]] = {}
    for line, alias, oid in aliases.typed.select(LINE, "alias", "organization_id").iter_rows():
        if alias is None or oid is None:
            continue
        key = name_key(alias)
        if key in names and names[key][1] != oid:
            issues.append(
                aliases.issue(
                    "alias.one-organization",
                    line,
                    "alias",
                    alias,
                    f"alias {alias!r} of {oid} is the name of {names[key][1]}",
                )
            )
        first = owner.setdefault(key, (line, oid))
        if first[1] != oid:
            issues.append(
                aliases.issue(
                    "alias.one-organization",
                    line,
                    "alias",
                    alias,
                    f"alias {alias!r} of {oid} also names {first[1]} (line {first[0]})",
                )
            )
    return issues
