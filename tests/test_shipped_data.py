"""Invariants of the shipped data, over whatever rows are there.

Every contribution adds rows; none of these tests names a count, an id or a line. Each test
is parametrized by resource (or article) with a readable id, fast checks (keys, references,
spans, reviews; plain ``csv`` and ``json``, no szdata code) before slow ones (``szdata
validate`` and ``szdata build --check``). ``tests/test_contribution_survives.py`` runs this
module in a copy of the repository with new articles added, which must pass too.

Exact rows, ids and reports are tested on fixture packages instead (``tests/fixture_package.py``).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from functools import cache

import pytest

from szdata._disk._paths import is_raw_resource
from tests.conftest import REPO

DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
TABLES = [name for name, r in RESOURCES.items() if r.get("type") == "table"]
RAW_RESOURCES = [name for name, r in RESOURCES.items() if is_raw_resource(r)]
BUILT = ["articles", "items", "figures", "dates", "mentions"]
SPANNED = ["items", "figures", "dates", "mentions"]
QUOTED = ["figures", "dates", "mentions"]
ID_PREFIX = {"figures": "f", "dates": "d", "mentions": "m"}
"""A quoted row's id is ``ARTICLE.{prefix}{start}``; an item's is ``ARTICLE.i{item_no}``."""


@cache
def schema(name: str) -> dict:
    return json.loads((REPO / RESOURCES[name]["schema"]).read_text(encoding="utf-8"))


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    with (REPO / RESOURCES[name]["path"]).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def key(name: str, row: dict[str, str]) -> str:
    return ",".join(row[f] for f in _as_list(schema(name)["primaryKey"]))


def _as_list(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


@cache
def raw_texts() -> dict[str, str]:
    return {
        a["article_id"]: (REPO / a["raw_path"]).read_bytes().decode("utf-8")
        for a in rows("articles")
    }


def foreign_keys() -> list[tuple[str, dict]]:
    return [(name, fk) for name in TABLES for fk in schema(name).get("foreignKeys", [])]


def _fk_id(case: tuple[str, dict]) -> str:
    name, fk = case
    ref = fk["reference"]
    return f"{name}.{'+'.join(_as_list(fk['fields']))}->{ref['resource'] or name}"


# -- fast: every table, by resource ----------------------------------------------------------


@pytest.mark.parametrize("name", TABLES)
def test_primary_key_is_unique(name: str) -> None:
    keys = [key(name, r) for r in rows(name)]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    assert not repeated, f"{name}: repeated primary keys {repeated[:5]}"


@pytest.mark.parametrize("name", TABLES)
def test_required_and_unique_cells(name: str) -> None:
    for field in schema(name)["fields"]:
        constraints = field.get("constraints", {})
        values = [r[field["name"]] for r in rows(name)]
        if constraints.get("required"):
            assert all(values), f"{name}.{field['name']}: an empty required cell"
        if constraints.get("unique"):
            present = [v for v in values if v]
            assert len(present) == len(set(present)), f"{name}.{field['name']}: repeated"


@pytest.mark.parametrize("case", foreign_keys(), ids=_fk_id)
def test_foreign_keys_resolve(case: tuple[str, dict]) -> None:
    name, fk = case
    fields = _as_list(fk["fields"])
    target = fk["reference"]["resource"] or name
    target_fields = _as_list(fk["reference"]["fields"])
    known = {tuple(r[f] for f in target_fields) for r in rows(target)}
    for row in rows(name):
        value = tuple(row[f] for f in fields)
        if all(value):  # an empty reference is no reference
            assert value in known, f"{name} {key(name, row)}: {fields}={value} not in {target}"


# -- fast: spans and quotes point into the raw texts -----------------------------------------


@pytest.mark.parametrize("name", SPANNED)
def test_spans_lie_inside_their_text(name: str) -> None:
    texts = raw_texts()
    for row in rows(name):
        start, end = int(row["start"]), int(row["end"])
        assert 0 <= start < end <= len(texts[row["article_id"]]), key(name, row)


@pytest.mark.parametrize("name", QUOTED)
def test_quote_is_the_raw_text_between_start_and_end(name: str) -> None:
    texts = raw_texts()
    for row in rows(name):
        text = texts[row["article_id"]]
        assert text[int(row["start"]) : int(row["end"])] == row["quote"], key(name, row)


@pytest.mark.parametrize("name", QUOTED)
def test_ids_are_article_and_start(name: str) -> None:
    for row in rows(name):
        assert key(name, row) == f"{row['article_id']}.{ID_PREFIX[name]}{row['start']}"


def test_item_ids_are_article_and_number() -> None:
    for item in rows("items"):
        assert item["item_id"] == f"{item['article_id']}.i{item['item_no']}"


@pytest.mark.parametrize("name", QUOTED)
def test_rows_of_an_item_lie_inside_it(name: str) -> None:
    items = {i["item_id"]: i for i in rows("items")}
    for row in rows(name):
        if not row["item_id"]:
            continue
        item = items[row["item_id"]]
        assert item["article_id"] == row["article_id"], key(name, row)
        assert int(item["start"]) <= int(row["start"]) < int(row["end"]) <= int(item["end"])


def test_items_of_an_article_are_numbered_in_order_and_do_not_overlap() -> None:
    by_article: dict[str, list[dict[str, str]]] = {}
    for item in rows("items"):
        by_article.setdefault(item["article_id"], []).append(item)
    for article, items in by_article.items():
        items.sort(key=lambda i: int(i["start"]))
        assert [int(i["item_no"]) for i in items] == list(range(1, len(items) + 1)), article
        for before, after in itertools.pairwise(items):
            assert int(before["end"]) <= int(after["start"]), (before["item_id"], article)


# -- fast: articles, raw texts and the descriptor --------------------------------------------


@pytest.mark.parametrize("article", rows("articles"), ids=lambda a: a["article_id"])
def test_article_row_describes_its_raw_file(article: dict[str, str]) -> None:
    data = (REPO / article["raw_path"]).read_bytes()
    assert article["raw_path"] == f"data/raw/{article['article_id']}.txt"
    assert article["sha256"] == hashlib.sha256(data).hexdigest()
    assert int(article["bytes"]) == len(data)
    assert int(article["chars"]) == len(data.decode("utf-8"))
    resources = [RESOURCES[n] for n in RAW_RESOURCES if RESOURCES[n]["path"] == article["raw_path"]]
    assert len(resources) == 1, f"{article['raw_path']}: not one raw-text resource"
    assert resources[0]["hash"] == f"sha256:{article['sha256']}"
    assert resources[0]["bytes"] == len(data)


def test_every_raw_file_is_an_article_and_a_resource() -> None:
    files = {f"data/raw/{p.name}" for p in (REPO / "data" / "raw").iterdir() if p.is_file()}
    assert files == {a["raw_path"] for a in rows("articles")}
    assert files == {RESOURCES[n]["path"] for n in RAW_RESOURCES}


def test_articles_have_a_publication_date_and_undated_ones_a_decision() -> None:
    decided = {
        d["key"]
        for d in rows("decisions")
        if d["table"] == "articles"
        and d["column"] == "published"
        and d["action"] in ("set", "note")
    }
    for article in rows("articles"):
        assert article["published"] and article["published_basis"], article["article_id"]
        if article["published_basis"] in ("address", "inferred"):
            assert article["article_id"] in decided, f"{article['article_id']}: no decision"


# -- fast: reviews ---------------------------------------------------------------------------


def test_every_article_has_one_review_row() -> None:
    reviewed = [r["article_id"] for r in rows("reviews")]
    assert sorted(reviewed) == sorted(a["article_id"] for a in rows("articles"))


def test_reviewed_rows_name_reviewer_date_and_text() -> None:
    sha = {a["article_id"]: a["sha256"] for a in rows("articles")}
    for review in rows("reviews"):
        if review["status"] == "reviewed":
            assert review["reviewer"] and review["reviewed_on"], review["article_id"]
            assert review["sha256"] == sha[review["article_id"]], review["article_id"]


@pytest.mark.parametrize("name", BUILT)
def test_review_status_is_the_articles(name: str) -> None:
    sha = {a["article_id"]: a["sha256"] for a in rows("articles")}
    status = {
        r["article_id"]: "reviewed"
        if r["status"] == "reviewed" and r["sha256"] == sha[r["article_id"]]
        else "unreviewed"
        for r in rows("reviews")
    }
    for row in rows(name):
        assert row["review_status"] == status.get(row["article_id"], "unreviewed"), key(name, row)


# -- fast: decisions -------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILT)
def test_decision_ids_of_rows_are_decisions_about_them(name: str) -> None:
    decisions = {d["decision_id"]: d for d in rows("decisions")}
    for row in rows(name):
        for decision_id in row["decision_ids"].split():
            decision = decisions.get(decision_id)
            assert decision, f"{name} {key(name, row)}: no decision {decision_id}"
            about_it = (decision["table"], decision["key"]) == (name, key(name, row))
            # a date's decision carries the refers_to of the figures of its sentence
            carried = name == "figures" and decision["table"] == "dates"
            carried = carried and decision["key"].startswith(row["article_id"] + ".")
            assert about_it or carried, decision_id


def test_decisions_name_rows_that_exist_unless_they_remove_them() -> None:
    keys = {name: {key(name, r) for r in rows(name)} for name in TABLES}
    for d in rows("decisions"):
        if d["table"] not in keys:
            continue
        present = d["key"] in keys[d["table"]]
        assert present is (d["action"] != "remove"), (d["decision_id"], d["action"], d["key"])


def test_decision_ids_are_numbered() -> None:
    ids = [d["decision_id"] for d in rows("decisions")]
    assert all(re.fullmatch(r"D[0-9]{4,}", i) for i in ids), ids
    assert len(ids) == len(set(ids))


# -- slow: the package's own commands ----------------------------------------------------------


@pytest.mark.slow
def test_validate_finds_no_error_and_warns_only_of_reviews() -> None:
    import szdata

    report = szdata.validate(REPO)
    assert report.errors == [], [i.to_dict() for i in report.errors[:5]]
    assert {i.rule for i in report.warnings} <= {"review.unreviewed"}


@pytest.mark.slow
def test_strict_validation_fails_only_for_articles_waiting_for_review() -> None:
    import szdata

    report = szdata.validate(REPO, strict=True)
    waiting = any(r["status"] != "reviewed" for r in rows("reviews"))
    assert report.ok is not waiting
    assert {i.rule for i in report.issues} <= {"review.unreviewed"}


@pytest.mark.slow
def test_build_check_passes() -> None:
    from szdata._curate._build import build

    result = build(REPO, check=True)
    assert result.ok, result.diff()
