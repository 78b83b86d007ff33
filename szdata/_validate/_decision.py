"""Decision rules: every curation decision can be checked, and is not dated after today.

Evidence is a web address, or a quote that the reader can find in the raw text of the
decision's article: the whole evidence (or each part of it between ``...``), or one of the
passages it quotes in double quotes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from szdata._core._normalize import fold
from szdata._validate._common import TEXT, has_columns, texts_frame
from szdata._validate._load import LINE, Context

if TYPE_CHECKING:
    from szdata._validate._report import Issue

_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\.[^\s]+", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]{4,})"')
_PARTS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def evidence_found(evidence: str, raw: str | None) -> bool:
    """Whether ``evidence`` is a web address or a quote of ``raw`` (see the module docstring).

    Examples
    --------
    >>> raw = "Writer: Han XImin | Editor: Holly Wang"
    >>> evidence_found("http://www.eyeshenzhen.com/content/2020-04/09/c.htm", None)
    True
    >>> evidence_found('Byline "Writer: Han XImin" in the raw text', raw)
    True
    >>> evidence_found("Writer: Han XImin ... Editor: Holly Wang", raw)
    True
    >>> evidence_found("the paper's other bylines", raw)
    False
    """
    if _WEB_ADDRESS.search(evidence):
        return True
    if raw is None:
        return False
    text = " ".join(fold(raw).split())
    parts = [" ".join(fold(p).split()) for p in _PARTS.split(evidence.strip()) if p.strip()]
    if parts and all(p in text for p in parts):
        return True
    quoted = [" ".join(fold(q).split()) for q in _QUOTED.findall(fold(evidence))]
    return any(q in text for q in quoted)


def check_decisions(ctx: Context) -> list[Issue]:
    """``decision.evidence`` and ``decision.date-not-future``."""
    import polars as pl

    decisions = ctx.table("decisions")
    if not has_columns(decisions, "decision_id", "key", "evidence", "decided_on"):
        return []
    assert decisions is not None and decisions.typed is not None
    issues: list[Issue] = []
    today = dt.date.today()
    rows = decisions.typed.select(LINE, "decision_id", "key", "evidence", "decided_on")
    for line, did, _key, _evidence, decided in rows.filter(
        pl.col("decided_on") > pl.lit(today)
    ).iter_rows():
        issues.append(
            decisions.issue(
                "decision.date-not-future",
                line,
                "decided_on",
                decided,
                f"decision {did} is dated {decided}, after today ({today})",
            )
        )
    texts = dict(texts_frame(ctx).select("article_id", TEXT).iter_rows())
    for line, did, key, evidence, _ in rows.filter(pl.col("evidence").is_not_null()).iter_rows():
        article = (key or "").split(".", 1)[0]
        if article not in texts:  # no raw text read (missing, or an unknown article): no verdict
            continue
        if not evidence_found(evidence, texts[article]):
            issues.append(
                decisions.issue(
                    "decision.evidence",
                    line,
                    "evidence",
                    evidence,
                    f"the evidence of {did} is neither a web address nor a quote found in "
                    f"the raw text of {article}",
                )
            )
    return issues
