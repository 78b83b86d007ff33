"""``szdata diff`` as text for a terminal and as Markdown for a pull request.

Both are drawn from the JSON document (:meth:`szdata._curate._diff.Diff.document`), in the
order a reviewer reads a contribution: the counts first, then what was **removed** (rows and
raw texts: what a contribution loses is what a reviewer must not miss), schema changes, the
**changed cells** (old -> new, with the decisions that explain them), the rows whose only
change is their review status (summarised), and last what was **added**: articles with
their title, date and row counts, raw texts, then rows, each list capped ("and N more").

Text escapes every terminal control in the data (:func:`szdata._core._terminal.shown`);
Markdown writes every character of the data that GitHub would read as markup (emphasis,
code, links, HTML), a table border or a mention (``@``) as an HTML entity, so a cell shows
as it is stored, and ids stay searchable in the Markdown's own text (``_`` inside a word,
``.`` and ``-`` are left alone: they are no markup there).

Examples
--------
>>> md("a|b <c> @team *x* _y_ 004_4c9b.f804")
'a&#124;b &lt;c&gt; &#64;team &#42;x&#42; &#95;y&#95; 004_4c9b.f804'
"""

from __future__ import annotations

import re
from typing import Any

from szdata._core._terminal import shown

_MD_SPECIAL = re.compile(r"[\\`*\[\]<>&|@~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
"""What GitHub's Markdown would read as markup in a table cell: written as entities."""
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_CELL = 80
"""Characters of a cell shown before it is cut (``…``)."""
_SUMMARY = 160
"""Characters of a row's summary shown before it is cut."""
_QUIET = frozenset(
    {
        "article_id",
        "item_id",
        "start",
        "end",
        "origin",
        "review_status",
        "decision_ids",
        "raw_path",
        "sha256",
        "bytes",
        "chars",
    }
)
"""Columns a row's summary leaves out (the article is named beside it; the rest is detail)."""


def md(value: object, limit: int | None = None) -> str:
    """``value`` as Markdown text that GitHub shows as it is (cut at ``limit`` characters).

    Examples
    --------
    >>> md(None), md("x" * 10, limit=4)
    ('(empty)', 'xxx…')
    """
    if value is None:
        return "(empty)"
    text = shown(_cut(str(value), limit), one_line=True)
    return _MD_SPECIAL.sub(lambda m: _ENTITIES.get(m[0], f"&#{ord(m[0])};"), text)


def tx(value: object, limit: int | None = None) -> str:
    """``value`` as terminal text: quoted, controls escaped, cut at ``limit`` characters.

    Examples
    --------
    >>> tx(None), tx("a\\x1b[2J"), tx("long text", limit=5)
    ('(empty)', "'a\\\\x1b[2J'", "'long…'")
    """
    if value is None:
        return "(empty)"
    return "'" + shown(_cut(str(value), limit), one_line=True) + "'"


def _cut(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 1)] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _and_texts(rows: int, texts: int) -> str:
    """``3 rows`` or ``3 rows, 1 raw text`` (raw texts named only when there are some)."""
    return _plural(rows, "row") + (f", {_plural(texts, 'raw text')}" if texts else "")


def _side(side: dict[str, Any]) -> str:
    if side["working_tree"]:
        where = "the working tree"
    elif side["ref"] == side["commit"]:  # the default base: a commit id
        where = side["commit"][:12]
    else:
        where = f"{side['ref']} ({side['commit'][:12]})"
    version = f", version {side['version']}" if side.get("version") else ""
    return f"{side['name']} {where}{version}"


def summary_cells(cells: dict[str, Any], key: list[str]) -> list[tuple[str, str]]:
    """The cells worth showing for an added or removed row: quote first, no ids or offsets.

    Examples
    --------
    >>> row = {"figure_id": "a.f1", "value": "3", "quote": "three", "start": "1"}
    >>> summary_cells(row, ["figure_id"])
    [('quote', 'three'), ('value', '3')]
    """
    out = []
    if cells.get("quote") is not None:
        out.append(("quote", cells["quote"]))
    for column, value in cells.items():
        if value is None or column in key or column in _QUIET or column == "quote":
            continue
        out.append((column, value))
    return out


def _article_names(doc: dict[str, Any]) -> dict[str, str]:
    return {a["article_id"]: a["title"] or "" for a in doc["articles"]}


def _decision_words(d: dict[str, Any]) -> str:
    what = " ".join(x for x in (d.get("action"), d.get("column")) if x)
    return f"{d['decision_id']} ({d['status']}{', ' + what if what else ''})"


def _removed_rows(doc: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(t, r) for t in doc["tables"] for r in t["removed"]]


# -- text -------------------------------------------------------------------------------------


def render_text(doc: dict[str, Any]) -> str:
    """The diff for a terminal: counts, removals, schema changes, changed cells, additions."""
    counts = doc["counts"]
    lines = [
        shown(_side(doc["base"]), one_line=True),  # a version is the descriptor's: data
        f"  -> {shown(_side(doc['head']), one_line=True)}",
    ]
    if not doc["differs"]:
        lines.append("no differences: both sides hold the same data")
        return "\n".join(lines) + "\n"
    titles = _article_names(doc)
    lines += ["", _text_counts(doc)]
    more_of = {t["table"]: t["more"] for t in doc["tables"]}

    removed = _removed_rows(doc)
    deleted = [r for r in doc["raw_texts"] if r["status"] == "deleted"]
    if counts["rows"]["removed"] or counts["raw_texts"]["deleted"]:
        lines += ["", f"REMOVED: {_plural(counts['rows']['removed'], 'row')}"]
        for r in deleted:
            lines.append(f"  raw text {tx(r['path'])} deleted (article {tx(r['article_id'])})")
        for t, r in removed:
            lines += _text_row(t, r, titles, f"line {r['line']} of BASE")
        lines += _text_more({k: v["removed"] for k, v in more_of.items()}, "removed")
    if doc["schema_changes"]:
        lines += ["", f"SCHEMA CHANGES: {len(doc['schema_changes'])}"]
        lines += [f"  {shown(_schema_words(c), one_line=True)}" for c in doc["schema_changes"]]
    changed_raw = [r for r in doc["raw_texts"] if r["status"] == "changed"]
    if counts["rows"]["changed"] or changed_raw:
        lines += ["", f"CHANGED: {_plural(counts['rows']['changed'], 'row')}"]
        for r in changed_raw:
            lines.append(
                f"  raw text {tx(r['path'])} changed: SHA-256 {r['base_sha256']} -> "
                f"{r['head_sha256']}"
            )
        for t in doc["tables"]:
            for r in t["changed"]:
                lines.append(f"  {t['table']} {tx(r['id'])}  line {r['line']}")
                lines += _text_article(r["article_id"], titles)
                for c in r["changes"]:
                    lines.append(
                        f"    {shown(c['column'], one_line=True)}: {tx(c['old'], _CELL)} -> "
                        f"{tx(c['new'], _CELL)}"
                    )
                lines += _text_decisions(r["decisions"])
        lines += _text_more({k: v["changed"] for k, v in more_of.items()}, "changed")
    review = [(t["table"], r) for t in doc["tables"] for r in t["review_only"]]
    if review:
        lines += ["", f"REVIEW STATUS ONLY: {_plural(counts['rows']['review_only'], 'row')}"]
        for table, r in review:
            lines.append(
                f"  {table}: {_plural(r['rows'], 'row')} of {tx(r['article_id'])} "
                f"{shown(r['from'], one_line=True)} -> {shown(r['to'], one_line=True)}"
            )
    added_articles = [a for a in doc["articles"] if a["status"] == "added"]
    if added_articles:
        lines += ["", f"ADDED ARTICLES: {counts['articles']['added']:,}"]
        for a in added_articles:
            rows = ", ".join(f"{k} {v['added']}" for k, v in a["rows"].items() if k != "articles")
            lines.append(
                f"  {tx(a['article_id'])} {tx(a['title'], _CELL)}, published "
                f"{shown(a['published'] or '?', one_line=True)}, "
                f"{shown(a['review_status'] or '?', one_line=True)}: {rows or 'no rows'}"
            )
    added_raw = [r for r in doc["raw_texts"] if r["status"] == "added"]
    if counts["rows"]["added"] or added_raw:
        lines += ["", f"ADDED: {_plural(counts['rows']['added'], 'row')}"]
        for r in added_raw:
            lines.append(f"  raw text {tx(r['path'])} ({r['head_bytes']:,} bytes)")
        new = {a["article_id"] for a in added_articles}
        for t in doc["tables"]:
            for r in t["added"]:
                named = {} if r["article_id"] in new else titles
                lines += _text_row(t, r, named, f"line {r['line']}")
        lines += _text_more({k: v["added"] for k, v in more_of.items()}, "added")
    if doc["more"]["raw_texts"] or doc["more"]["articles"]:
        lines.append(
            f"  and {doc['more']['raw_texts']:,} more raw text(s), "
            f"{doc['more']['articles']:,} more article(s)"
        )
    for t in doc["tables"]:
        lines += [f"note: {t['table']}: {shown(n, one_line=True)}" for n in t["notes"]]
    lines += [f"note: {shown(n, one_line=True)}" for n in doc["notes"]]
    return "\n".join(lines) + "\n"


def _text_counts(doc: dict[str, Any]) -> str:
    header = ("", "added", "removed", "changed", "review status only")
    rows = [
        (name, str(c["added"]), str(c["removed"]), str(c["changed"]), str(c["review_only"]))
        for name, c in doc["counts"]["tables"].items()
    ]
    raw = doc["counts"]["raw_texts"]
    rows.append(("raw texts", str(raw["added"]), str(raw["deleted"]), str(raw["changed"]), ""))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    out = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0])] + [r[i].rjust(widths[i]) for i in range(1, 5)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def _text_article(article_id: str | None, titles: dict[str, str]) -> list[str]:
    if not article_id:
        return []
    if article_id not in titles:  # an added article: named in its own section
        return []
    title = titles[article_id]
    named = f" {tx(title, _CELL)}" if title else ""
    return [f"    article {tx(article_id)}{named}"]


def _text_decisions(decisions: list[dict[str, Any]]) -> list[str]:
    return [
        f"    decision {shown(_decision_words(d), one_line=True)}: {tx(d['reason'], _SUMMARY)}"
        for d in decisions
    ]


def _text_row(
    t: dict[str, Any], r: dict[str, Any], titles: dict[str, str], where: str
) -> list[str]:
    cells = "; ".join(f"{c} {tx(v, _CELL)}" for c, v in summary_cells(r["cells"], t["key"]))
    lines = [f"  {t['table']} {tx(r['id'])}  {where}", f"    {_cut(cells, _SUMMARY * 2)}"]
    return lines + _text_article(r["article_id"], titles) + _text_decisions(r["decisions"])


def _text_more(more: dict[str, int], kind: str) -> list[str]:
    return [f"  and {n:,} more {kind} in {table}" for table, n in more.items() if n]


def _schema_words(c: dict[str, Any]) -> str:
    where = f"{c['table']}.{c['field']}" if c["field"] else c["table"]
    change = c["change"].replace("_", " ")
    if c["old"] is None and c["new"] is None:
        return f"{where}: {change}"
    return f"{where}: {change}: {c['old'] or '(none)'} -> {c['new'] or '(none)'}"


# -- markdown ---------------------------------------------------------------------------------


def render_markdown(doc: dict[str, Any]) -> str:
    """The diff as GitHub Markdown: counts table, removals, changed cells, capped additions."""
    counts = doc["counts"]
    out = [
        "## szdata diff",
        "",
        f"{md(_side(doc['base']))} → {md(_side(doc['head']))}",
        "",
    ]
    if not doc["differs"]:
        out.append("No differences: both sides hold the same data.")
        return "\n".join(out) + "\n"
    titles = _article_names(doc)
    out += [
        "| table | added | removed | changed | review status only |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, c in counts["tables"].items():
        removed = f"**{c['removed']:,}**" if c["removed"] else "0"
        out.append(
            f"| `{name}` | {c['added']:,} | {removed} | {c['changed']:,} | {c['review_only']:,} |"
        )
    raw = counts["raw_texts"]
    deleted = f"**{raw['deleted']:,}**" if raw["deleted"] else "0"
    out.append(f"| raw texts | {raw['added']:,} | {deleted} | {raw['changed']:,} | |")
    out.append("")

    removed = _removed_rows(doc)
    deleted_raw = [r for r in doc["raw_texts"] if r["status"] == "deleted"]
    if counts["rows"]["removed"] or raw["deleted"]:
        n = counts["rows"]["removed"]
        out += [f"### ⚠️ Removed: {_and_texts(n, raw['deleted'])}", ""]
        for r in deleted_raw:
            out.append(
                f"- raw text <code>{md(r['path'])}</code> deleted (article {md(r['article_id'])})"
            )
        if deleted_raw:
            out.append("")
        if removed:
            out += [
                "| table | row | article | what it was | decisions |",
                "|---|---|---|---|---|",
            ]
            for t, r in removed:
                out.append(
                    f"| `{t['table']}` | {md(r['id'])} (line {r['line']} of BASE) | "
                    f"{_md_article(r['article_id'], titles)} | {_md_summary(t, r)} | "
                    f"{_md_decisions(r['decisions'])} |"
                )
            out += _md_more(doc, "removed")
            out.append("")
    if doc["schema_changes"]:
        out += [f"### Schema changes: {len(doc['schema_changes'])}", ""]
        out += [f"- {md(_schema_words(c))}" for c in doc["schema_changes"]]
        out.append("")
    changed_raw = [r for r in doc["raw_texts"] if r["status"] == "changed"]
    if counts["rows"]["changed"] or changed_raw:
        out += [f"### Changed cells: {_plural(counts['rows']['changed'], 'row')}", ""]
        for r in changed_raw:
            out.append(
                f"- raw text <code>{md(r['path'])}</code> changed: SHA-256 `{r['base_sha256']}` → "
                f"`{r['head_sha256']}`"
            )
        if changed_raw:
            out.append("")
        rows = [(t, r) for t in doc["tables"] for r in t["changed"]]
        if rows:
            out += [
                "| table | row | article | column | old | new | decisions |",
                "|---|---|---|---|---|---|---|",
            ]
            for t, r in rows:
                for i, c in enumerate(r["changes"]):
                    first = i == 0
                    out.append(
                        f"| {'`' + t['table'] + '`' if first else ''} | "
                        f"{md(r['id']) + ' (line ' + str(r['line']) + ')' if first else ''} | "
                        f"{_md_article(r['article_id'], titles) if first else ''} | "
                        f"<code>{md(c['column'])}</code> | {md(c['old'], _CELL)} | "
                        f"{md(c['new'], _CELL)} | "
                        f"{_md_decisions(r['decisions']) if first else ''} |"
                    )
            out += _md_more(doc, "changed")
            out.append("")
    review = [(t["table"], r) for t in doc["tables"] for r in t["review_only"]]
    if review:
        out += [
            f"### Review status only: {_plural(counts['rows']['review_only'], 'row')}",
            "",
        ]
        for table, r in review:
            out.append(
                f"- `{table}`: {_plural(r['rows'], 'row')} of "
                f"{_md_article(r['article_id'], titles)}: {md(r['from'])} → {md(r['to'])}"
            )
        out.append("")
    added_articles = [a for a in doc["articles"] if a["status"] == "added"]
    if added_articles:
        out += [
            f"### Added articles: {counts['articles']['added']:,}",
            "",
            "| article | title | published | review | items | figures | dates | mentions |",
            "|---|---|---|---|--:|--:|--:|--:|",
        ]
        for a in added_articles:
            n = {k: v["added"] for k, v in a["rows"].items()}
            out.append(
                f"| {md(a['article_id'])} | {md(a['title'], _CELL)} | {md(a['published'])} | "
                f"{md(a['review_status'])} | {n.get('items', 0)} | {n.get('figures', 0)} | "
                f"{n.get('dates', 0)} | {n.get('mentions', 0)} |"
            )
        out.append("")
    added_raw = [r for r in doc["raw_texts"] if r["status"] == "added"]
    if counts["rows"]["added"] or added_raw:
        out += [
            f"### Added: {_and_texts(counts['rows']['added'], raw['added'])}",
            "",
        ]
        for r in added_raw:
            out.append(f"- raw text <code>{md(r['path'])}</code> ({r['head_bytes']:,} bytes)")
        if added_raw:
            out.append("")
        rows = [(t, r) for t in doc["tables"] for r in t["added"]]
        if rows:
            out += ["| table | row | article | what it is | decisions |", "|---|---|---|---|---|"]
            new = {a["article_id"] for a in added_articles}
            for t, r in rows:
                named = {} if r["article_id"] in new else titles
                out.append(
                    f"| `{t['table']}` | {md(r['id'])} (line {r['line']}) | "
                    f"{_md_article(r['article_id'], named)} | {_md_summary(t, r)} | "
                    f"{_md_decisions(r['decisions'])} |"
                )
            out += _md_more(doc, "added")
            out.append("")
    more = doc["more"]
    if more["raw_texts"] or more["articles"]:
        out += [
            f"and {more['raw_texts']:,} more raw text(s), {more['articles']:,} more article(s)",
            "",
        ]
    notes = [f"{t['table']}: {n}" for t in doc["tables"] for n in t["notes"]] + doc["notes"]
    if notes:
        out += ["### Notes", ""] + [f"- {md(n)}" for n in notes] + [""]
    if doc["limit"]:
        out.append(
            f"<sub>At most {doc['limit']:,} rows listed per table and kind; the counts are "
            "complete. `szdata diff --limit 0` lists every row.</sub>"
        )
    return "\n".join(out).rstrip("\n") + "\n"


def _md_article(article_id: str | None, titles: dict[str, str]) -> str:
    if not article_id:
        return ""
    title = titles.get(article_id)
    return f"{md(article_id)}" + (f"<br>{md(title, _CELL)}" if title else "")


def _md_summary(t: dict[str, Any], r: dict[str, Any]) -> str:
    parts = [f"{md(c)}: {md(v, _CELL)}" for c, v in summary_cells(r["cells"], t["key"])]
    return "; ".join(parts[:8]) + ("; …" if len(parts) > 8 else "")


def _md_decisions(decisions: list[dict[str, Any]]) -> str:
    return "<br>".join(f"{md(_decision_words(d))}: {md(d['reason'], _SUMMARY)}" for d in decisions)


def _md_more(doc: dict[str, Any], kind: str) -> list[str]:
    more = [
        f"and {t['more'][kind]:,} more {kind} in `{t['table']}`"
        for t in doc["tables"]
        if t["more"][kind]
    ]
    return ["", "; ".join(more) + " (`szdata diff --limit 0` lists every row)."] if more else []
