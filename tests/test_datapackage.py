"""The data package itself: files, hashes and spans first (fast), then full validation.

Modelled on vega-datasets' ``tests/test_datapackage.py``: one test per resource with a
readable id, cheap checks before the reference validator.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r for r in DESCRIPTOR["resources"] if r.get("type") == "table"]
RAWS = [r for r in DESCRIPTOR["resources"] if r["name"].startswith("raw-")]
SPANNED = ["items", "figures", "dates", "mentions"]


def _rows(name: str, root: Path = REPO) -> list[dict[str, str]]:
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    with (root / res["path"]).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _raw_texts(root: Path = REPO) -> dict[str, str]:
    return {
        a["article_id"]: (root / a["raw_path"]).read_bytes().decode("utf-8")
        for a in _rows("articles", root)
    }


# -- fast: files, schemas, headers, hashes, spans ------------------------------------------


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["name"])
def test_resource_file_and_schema_exist(resource: dict) -> None:
    assert (REPO / resource["path"]).is_file()
    schema_path = REPO / resource["schema"]
    assert schema_path.is_file()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema["primaryKey"], "every table has a primary key"
    for field in schema["fields"]:
        assert field.get("description"), f"{resource['name']}.{field['name']} has no description"
        assert field.get("type"), f"{resource['name']}.{field['name']} has no type"


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["name"])
def test_header_matches_schema(resource: dict) -> None:
    schema = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))
    with (REPO / resource["path"]).open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [f["name"] for f in schema["fields"]]


@pytest.mark.parametrize("raw", RAWS, ids=lambda r: r["name"])
def test_raw_file_matches_descriptor_hash(raw: dict) -> None:
    data = (REPO / raw["path"]).read_bytes()
    assert raw["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert raw["bytes"] == len(data)


@pytest.mark.parametrize("article", _rows("articles"), ids=lambda a: a["article_id"])
def test_raw_file_matches_article_row(article: dict) -> None:
    data = (REPO / article["raw_path"]).read_bytes()
    assert article["sha256"] == hashlib.sha256(data).hexdigest()
    assert int(article["bytes"]) == len(data)
    assert int(article["chars"]) == len(data.decode("utf-8"))


def test_raw_files_are_the_seeds_byte_for_byte() -> None:
    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for seed in sorted(seeds.glob("*.txt")):
        assert (REPO / "data" / "raw" / seed.name).read_bytes() == seed.read_bytes()


def _span_errors(root: Path) -> list[str]:
    raws = _raw_texts(root)
    errors = []
    for table in SPANNED:
        for n, row in enumerate(_rows(table, root), start=2):
            text = raws[row["article_id"]]
            start, end = int(row["start"]), int(row["end"])
            if not 0 <= start < end <= len(text):
                errors.append(f"{table}:{n}: span {start}:{end} outside the text")
            elif "quote" in row and text[start:end] != row["quote"]:
                errors.append(f"{table}:{n}: {row['quote']!r} != raw[{start}:{end}]")
    return errors


@pytest.mark.parametrize("table", ["figures", "dates", "mentions"])
def test_every_quote_equals_its_span(table: str) -> None:
    raws = _raw_texts()
    rows = _rows(table)
    assert rows, f"{table} is empty"
    for row in rows:
        text = raws[row["article_id"]]
        assert text[int(row["start"]) : int(row["end"])] == row["quote"], row


def test_items_start_with_their_number() -> None:
    raws = _raw_texts()
    for item in _rows("items"):
        text = raws[item["article_id"]][int(item["start"]) : int(item["end"])]
        # "1. Shenzhen ..." and, in some reposts, "1.Shenzhen ..." (no space after the number)
        number = re.match(rf"{item['item_no']}\.\s*", text)
        assert number, (item["item_id"], text[:20])
        assert text[number.end() :].startswith(item["headline"]), item["item_id"]


def test_shifted_span_is_caught(package_copy: Path) -> None:
    path = package_copy / "data" / "figures.csv"
    rows = _rows("figures", package_copy)
    rows[0]["start"] = str(int(rows[0]["start"]) + 1)
    rows[0]["end"] = str(int(rows[0]["end"]) + 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    assert _span_errors(REPO) == []
    assert any(e.startswith("figures:2:") for e in _span_errors(package_copy))


# -- slow: the reference validator ---------------------------------------------------------


@pytest.fixture(scope="module")
def frictionless_report():
    from frictionless import validate

    return validate(str(REPO / "datapackage.json"))


@pytest.mark.parametrize("resource", DESCRIPTOR["resources"], ids=lambda r: r["name"])
def test_frictionless_validates_resource(frictionless_report, resource: dict) -> None:
    task = next(t for t in frictionless_report.tasks if t.name == resource["name"])
    assert task.valid, [e.message for e in task.errors]


def _frictionless_errors(root: Path) -> list[tuple[str, str]]:
    from frictionless import validate

    report = validate(str(root / "datapackage.json"))
    return [(t.name, e.type) for t in report.tasks for e in t.errors] + [
        ("package", e.type) for e in report.errors
    ]


def _rewrite(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("duplicate-key", ("figures", "primary-key")),
        ("dangling-reference", ("mentions", "foreign-key")),
        ("edited-raw-file", ("raw-004-4c9b5674638746a7", "hash-count")),
        ("bad-enum", ("figures", "constraint-error")),
    ],
)
def test_frictionless_rejects_broken_copy(package_copy: Path, case: str, expected) -> None:
    data = package_copy / "data"
    if case == "duplicate-key":
        _rewrite(data / "figures.csv", lambda rows: rows.append(dict(rows[0])))
    elif case == "dangling-reference":
        _rewrite(data / "mentions.csv", lambda rows: rows[0].update(organization_id="no-such-org"))
    elif case == "edited-raw-file":
        raw = data / "raw" / "004_4c9b5674638746a7.txt"
        raw.write_bytes(raw.read_bytes().replace(b"250 million", b"260 million"))
    elif case == "bad-enum":
        _rewrite(data / "figures.csv", lambda rows: rows[0].update(qualifier="roughly"))
    assert expected in _frictionless_errors(package_copy)
