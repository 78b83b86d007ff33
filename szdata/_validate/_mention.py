"""Mention rules: a mention's quote is a name or an alias of its organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._core._normalize import name_key
from szdata._validate._common import has_columns
from szdata._validate._load import Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    from szdata._validate._report import Issue


def check_mentions(ctx: Context) -> list[Issue]:
    """``mention.quote-is-alias``, on the distinct (organization, quote) pairs."""
    import polars as pl

    mentions, orgs = ctx.table("mentions"), ctx.table("organizations")
    if not has_columns(mentions, "organization_id", "quote"):
        return []
    if not has_columns(orgs, "organization_id", "name"):
        return []
    assert mentions is not None and orgs is not None and orgs.typed is not None
    known: dict[str, set[str]] = {}
    for oid, name in orgs.typed.select("organization_id", "name").iter_rows():
        if oid is not None and name is not None:
            known.setdefault(oid, set()).add(name_key(name))
    aliases = ctx.table("aliases")
    if has_columns(aliases, "alias", "organization_id") and aliases is not None:
        assert aliases.typed is not None
        for alias, oid in aliases.typed.select("alias", "organization_id").iter_rows():
            if oid is not None and alias is not None:
                known.setdefault(oid, set()).add(name_key(alias))
    frame = combined(mentions, ["organization_id", "quote"])
    pairs = frame.select("organization_id", "quote").drop_nulls().unique()
    bad = [
        (oid, quote)
        for oid, quote in pairs.iter_rows()
        if oid in known and name_key(quote) not in known[oid]
    ]
    if not bad:
        return []
    bad_frame = pl.DataFrame(bad, schema=["organization_id", "quote"], orient="row")
    broken = frame.join(bad_frame, on=["organization_id", "quote"], how="semi")
    check = MaskCheck(
        "mention.quote-is-alias",
        "quote",
        pl.lit(True),
        lambda v, d: f"{v!r} is neither the name nor an alias of {d}",
        detail=pl.col("organization_id"),
    )
    return run_masks(mentions, broken, [check])
