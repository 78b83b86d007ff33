"""How well the parser reads labelled fixture texts: precision and recall per table.

A labelled fixture is a text ``NAME.txt`` with ``NAME.expected.json`` beside it: the rows a
careful reader finds in it (``article``: a few columns of the article row; ``items``,
``figures``, ``dates``, ``mentions``: lists of rows with the columns of :data:`KEYS`).
:func:`fixture_scores` parses every labelled text of a folder and counts, per table, the
parsed rows that match an expected row on every key column (``matched``), the parsed
rows, and the expected rows. A false figure (an e-mail address, ``24/7``) lowers the
figures' precision; a missed one their recall. ``szdata build --scores`` can print these
next to :func:`szdata._curate._build.parser_scores`.

Examples
--------
>>> from pathlib import Path
>>> folder = Path(__file__).parents[1] / "tests" / "fixtures" / "texts" / "families"
>>> scores = fixture_scores(folder)  # doctest: +SKIP
>>> scores["figures"].precision  # doctest: +SKIP
1.0
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from szdata._curate._build import Score

KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("title", "kind", "writers", "source_printed", "publisher_id", "published"),
    "items": ("item_no", "headline", "source_printed", "source_organization_id"),
    "figures": ("start", "quote", "value", "value_max", "unit", "counted", "qualifier"),
    "dates": ("start", "quote", "date", "resolution"),
    "mentions": ("start", "quote", "organization_id"),
}
"""The columns a parsed row must agree on with an expected row, per table."""


def expected_rows(art: Any) -> dict[str, Any]:
    """The rows of a :class:`szdata._parse.ParsedArticle` in the form of an expected file
    (to write a new one, then check every row by hand against the text)."""
    out: dict[str, Any] = {"article": {k: _plain(art.article[k]) for k in KEYS["articles"]}}
    for table in ("items", "figures", "dates", "mentions"):
        out[table] = [{k: _plain(r[k]) for k in KEYS[table]} for r in art.rows(table)]
    return out


def fixture_scores(folder: str | Path) -> dict[str, Score]:
    """Precision and recall of the parser on the labelled texts of ``folder``, per table.

    Raises
    ------
    UsageError
        When ``folder`` holds no labelled text, or a label is not readable JSON of the
        expected shape, or has no text beside it.
    """
    from szdata._core._errors import UsageError
    from szdata._parse import parse

    folder = Path(folder)
    labelled = sorted(folder.glob("*.expected.json")) if folder.is_dir() else []
    if not labelled:
        raise UsageError(f"no labelled fixture (NAME.txt with NAME.expected.json) in {folder}")
    counts = {t: [0, 0, 0] for t in KEYS}
    for path in labelled:
        text_path = path.with_name(path.name.removesuffix(".expected.json") + ".txt")
        try:
            expected = json.loads(path.read_text(encoding="utf-8"))
            data = text_path.read_bytes()
            tables = [t for t in KEYS if t != "articles"]
            if not isinstance(expected, dict) or not all(
                isinstance(expected.get(t), list) and all(isinstance(r, dict) for r in expected[t])
                for t in tables
            ):
                raise ValueError("not an object with a list of rows per table")
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise UsageError(f"{path}: cannot be read as a labelled fixture ({exc})") from None
        got = expected_rows(parse(data, file_name=text_path.name))
        for table in KEYS:
            want_rows = [expected.get("article") or {}] if table == "articles" else expected[table]
            got_rows = [got["article"]] if table == "articles" else got[table]
            want = [_key(r, KEYS[table]) for r in want_rows]
            have = [_key(r, KEYS[table]) for r in got_rows]
            counts[table][0] += sum(1 for k in have if k in set(want))
            counts[table][1] += len(have)
            counts[table][2] += len(want)
    return {t: Score(t, *c) for t, c in counts.items()}


def _key(row: dict[str, Any], keys: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_plain(row.get(k)) for k in keys)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
